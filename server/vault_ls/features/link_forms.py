"""How a link writes its target: the same form again with another name or path.

A link's target span is written in one of a few forms: a wikilink's name or path (``Old``,
``dir/Old``, ``./Old.md``), a markdown destination percent-encoded (``dir/Old%20Name.md``) or
inside ``<...>`` (``<dir/Old Name.md>``), a frontmatter wikilink inside a YAML quoted string.
Each function here rewrites such a span and keeps everything else it holds: the folder part,
``./`` and ``../``, the ``.md`` suffix present or absent, the encoding.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote

from vault_ls.vault.names import NOTE_SUFFIX, without_note_suffix

# What a markdown destination written without ``<...>`` cannot hold as it is: the parser
# decodes ``%XX`` (so ``%`` itself is written ``%25``), and a space or a parenthesis ends it.
_MARKDOWN_ESCAPED = re.compile(r"[%\s()<>\x00-\x1f\x7f]")


def split_written(written: str) -> tuple[str, str]:
    """``dir/sub/Old.md`` -> (``dir/sub/``, ``Old.md``): the folder part kept as written."""
    cut = max(written.rfind("/"), written.rfind("\\"))
    return written[: cut + 1], written[cut + 1 :]


def with_suffix_of(written_name: str, name: str) -> str:
    """``name`` with ``.md`` written as ``written_name`` writes it (present, absent, its case)."""
    if written_name[-len(NOTE_SUFFIX) :].lower() == NOTE_SUFFIX:
        return name + written_name[-len(NOTE_SUFFIX) :]
    return name


def in_case_of(written_name: str, old_name: str, name: str) -> str:
    """``name`` in the case style the link wrote ``old_name`` in: all lower or all upper case
    (``[[old]]`` -> ``[[new]]``), or, where the two names share letters at the same places, the
    case the link gave those letters (``[[Embed Files]]`` for ``Embed files`` -> ``[[Embed
    Files 2]]``), so renaming back gives the bytes back."""
    written_name = without_note_suffix(written_name)
    if written_name == old_name or written_name.lower() != old_name.lower():
        return name
    if written_name == old_name.lower():
        return name.lower()
    if written_name == old_name.upper():
        return name.upper()
    kept = [
        written_name[i] if i < len(old_name) and ch.lower() == old_name[i].lower() else ch
        for i, ch in enumerate(name)
    ]
    return "".join(kept)


def renamed_wiki(written: str, old_name: str, name: str) -> str:
    """A wikilink target with its last name replaced: ``dir/Old.md`` -> ``dir/New.md``."""
    folder, last = split_written(written)
    return folder + with_suffix_of(last, in_case_of(last, old_name, name))


def encode_markdown(path: str, angle: bool) -> str:
    """A vault path as a markdown destination: raw inside ``<...>``, else percent-encoded
    where the parser needs it (non-ASCII stays as written, as Obsidian writes it)."""
    if angle:
        return path
    return _MARKDOWN_ESCAPED.sub(lambda m: "".join(f"%{b:02X}" for b in m[0].encode()), path)


def renamed_markdown(written: str, old_name: str, name: str, angle: bool) -> str:
    """A markdown destination's path with its last name replaced, encoded as it was."""
    folder, last = split_written(written)
    last = _decoded_name(last)
    return folder + encode_markdown(with_suffix_of(last, in_case_of(last, old_name, name)), angle)


def relative_markdown(source: str, target: str, written: str, angle: bool) -> str:
    """A markdown path from note ``source`` to vault path ``target``, ``./`` and ``.md``
    kept as ``written`` had them."""
    folder = posixpath.dirname(source)
    path = posixpath.relpath(target, folder or ".")
    if written.startswith("./") and not path.startswith("../"):
        path = "./" + path
    _, last = split_written(written)
    if _decoded_name(last)[-len(NOTE_SUFFIX) :].lower() != NOTE_SUFFIX:
        path = without_note_suffix(path)
    return encode_markdown(path, angle)


def yaml_quoted(text: str, quote: str) -> str:
    """``text`` as it must be written inside a YAML string opened by ``quote``."""
    if quote == "'":
        return text.replace("'", "''")
    if quote == '"':
        return text.replace("\\", "\\\\").replace('"', '\\"')
    return text


def _decoded_name(last: str) -> str:
    return unquote(last)
