"""YAML frontmatter: safe loading, and the aliases, tags, title and links it declares.

A link is a string value that is one wikilink, as Obsidian reads properties: keys, comments,
text around a link and unquoted ``[[X]]`` (a nested YAML list) are not links, and YAML that fails
to load holds none. Each link is placed where its value is written, from the loaded nodes' marks.

Only PyYAML's safe loader is used, so tags such as ``!!python/object`` construct nothing; alias
references are counted and the size of the document with every alias expanded is bounded, so an
alias bomb ("billion laughs", which needs fewer than 100 references) fails fast as a frontmatter
error instead of exhausting memory when its values are displayed.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

import yaml

from vault_ls.vault.wikilink import WIKILINK

MAX_ALIAS_REFERENCES = 100
MAX_DEPTH = 100  # lists and mappings inside one another
MAX_EXPANDED_NODES = 100_000  # values, lists and mappings, counted with aliases expanded
LIST_KEYS = {"aliases", "alias", "tags", "tag", "cssclasses", "cssclass"}
STRING_TAG = "tag:yaml.org,2002:str"
NULL_TAG = "tag:yaml.org,2002:null"


@dataclass(frozen=True, slots=True)
class LinkValue:
    """A property value that is one wikilink, and where the YAML text writes it."""

    link: str  # the value without surrounding whitespace: ``[[A|b]]`` or ``![[p.png]]``
    start: tuple[int, int]  # (line, column), 0-based in the YAML text, code points
    end: tuple[int, int]
    written: bool  # the link is written as loaded; False when escapes (``\u00e9``) or folded
    # lines make the two differ, and ``start``/``end`` then span the whole scalar


class FrontmatterProblem(Exception):
    def __init__(self, message: str, line: int, column: int = 0):
        super().__init__(message)
        self.message = message
        self.line = line  # 0-based, relative to the first line of the YAML text
        self.column = column


class _BoundedLoader(yaml.SafeLoader):
    """The safe loader, refusing documents that reuse anchors too many times."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.alias_references = 0
        self.expanded: dict[int, int] = {}  # id(node) -> its size with aliases expanded

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            anchored = self.anchors.get(event.anchor)
            if anchored is not None and id(anchored) not in self.expanded:
                # ``&a [*a]``: the safe loader builds a list containing itself, and displaying
                # it recursed without end (RecursionError out of ``parse_note``).
                raise FrontmatterProblem(
                    "an alias refers to the value that contains it; the frontmatter was not read",
                    event.start_mark.line,
                    event.start_mark.column,
                )
            self.alias_references += 1
            if self.alias_references > MAX_ALIAS_REFERENCES:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise FrontmatterProblem(
                    f"too many alias references (more than {MAX_ALIAS_REFERENCES}); "
                    "the frontmatter was not read",
                    mark.line,
                    mark.column,
                )
        node = super().compose_node(parent, index)
        if node is not None and id(node) not in self.expanded:
            self.expanded[id(node)] = size = self._expanded_size(node)
            if size > MAX_EXPANDED_NODES:
                raise FrontmatterProblem(
                    f"aliases expand to more than {MAX_EXPANDED_NODES} values; "
                    "the frontmatter was not read",
                    node.start_mark.line,
                    node.start_mark.column,
                )
        return node

    def _expanded_size(self, node: Any) -> int:
        """Children are composed first, so their sizes are known: linear in the YAML text."""
        if isinstance(node, yaml.SequenceNode):
            return 1 + sum(self.expanded.get(id(child), 1) for child in node.value)
        if isinstance(node, yaml.MappingNode):
            return 1 + sum(
                self.expanded.get(id(key), 1) + self.expanded.get(id(value), 1)
                for key, value in node.value
            )
        return 1


# libyaml's safe loader is ~10x faster. Without an anchor (``&``) no alias can expand, so the
# bounds above have nothing to guard and the C loader is used; on an error the pure loader
# reads the text again, for its clearer messages.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def load_yaml(text: str) -> tuple[dict[str, Any], list[LinkValue]]:
    """The frontmatter mapping (empty for an empty block) and the links among its values;
    raises ``FrontmatterProblem``."""
    if _FAST_LOADER is not None and "&" not in text:
        try:
            node, data = _load(text, _FAST_LOADER)
        except (yaml.YAMLError, ValueError, TypeError, RecursionError):
            pass  # ``d: 2024-13-45`` raises ValueError: the pure loader reports it
        else:
            return _as_mapping(_shallow(data)), link_values(node, text)
    node, data = _load_bounded(text)
    return _as_mapping(_shallow(data)), link_values(node, text)


def _load(text: str, loader_class: Any) -> tuple[Any, Any]:
    """The document's node tree and the data constructed from it: ``yaml.load`` in two steps."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, None if node is None else loader.construct_document(node)
    finally:
        loader.dispose()


def _shallow(data: Any) -> Any:
    """``data``, when no value nests deeper than ``MAX_DEPTH``: displaying a property recurses,
    and 500 nested lists (``x: [[[...]]]``) made ``parse_note`` raise RecursionError."""
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise FrontmatterProblem(f"values nest more than {MAX_DEPTH} levels deep", 0)
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return data


def _load_bounded(text: str) -> tuple[Any, Any]:
    try:
        return _load(text, _BoundedLoader)
    except FrontmatterProblem:
        raise
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line, mark.column) if mark else (0, 0)
        reason = error.problem or error.context or "invalid YAML"
        raise FrontmatterProblem(f"invalid YAML: {reason}", line, column) from None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as error:
        raise FrontmatterProblem(f"invalid YAML: {error}", 0) from None


def _as_mapping(data: Any) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FrontmatterProblem(
            f"frontmatter is a {type(data).__name__}, not a set of key: value properties", 0
        )
    return {str(key): value for key, value in data.items()}


def link_values(root: Any, text: str) -> list[LinkValue]:
    """The string values of ``root`` (a loaded mapping's node) that are one wikilink, in the
    order they are written: top-level values and list items, lists in lists too. Keys and
    mappings inside values are not read; Obsidian's property types are text and list. A value
    referred to again by an alias (``*a``) is written once, so it is one link."""
    if "[[" not in text or not isinstance(root, yaml.MappingNode):
        return []
    found: list[LinkValue] = []
    seen: set[int] = set()
    pending = [value for _, value in reversed(root.value)]
    while pending:  # ``_shallow`` has bounded the depth; no recursion regardless
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            pending.extend(reversed(node.value))
        elif isinstance(node, yaml.ScalarNode) and node.tag == STRING_TAG:
            link = node.value.strip()
            if WIKILINK.fullmatch(link):
                found.append(_placed(link, node, text))
    return found


def _placed(link: str, node: Any, text: str) -> LinkValue:
    start, end = node.start_mark.index, node.end_mark.index
    at = text.find(link, start, end)
    if at >= 0:
        return LinkValue(link, _line_column(text, at), _line_column(text, at + len(link)), True)
    if node.style in ("'", '"'):  # the place is inside the quotes
        start, end = start + 1, end - 1
    return LinkValue(link, _line_column(text, start), _line_column(text, end), False)


def _line_column(text: str, offset: int) -> tuple[int, int]:
    """From ``\n`` alone: YAML also breaks lines at U+2028 and U+0085, which notes do not."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, line_start), offset - line_start


def as_list(value: Any) -> list[str]:
    """A list property as strings: a YAML list, or one string split on commas."""
    if value is None:
        return []
    if isinstance(value, list):
        return [display(item) for item in value if item is not None and display(item)]
    return [part.strip() for part in str(value).split(",") if part.strip()]


def tag_values(value: Any) -> list[str]:
    names = []
    for item in as_list(value):
        for word in item.split():
            name = word.lstrip("#")
            if name:
                names.append(name)
    return names


def display(value: Any) -> str:
    """A property value as a person reads it."""
    if isinstance(value, list):
        return ", ".join(display(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {display(item)}" for key, item in value.items())
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value)


def key_line(yaml_lines: list[str], key: str) -> int | None:
    """Index of the line that declares top-level ``key`` (None when not found)."""
    pattern = re.compile(rf"^['\"]?{re.escape(key)}['\"]?\s*:")
    for index, line in enumerate(yaml_lines):
        if pattern.match(line):
            return index
    return None


@dataclass(frozen=True, slots=True)
class TagValue:
    """A tag name a ``tags``/``tag`` property writes, and where (for a rename)."""

    name: str  # without the ``#`` a quoted value may write before it
    start: tuple[int, int]  # (line, column) of the name, 0-based in the YAML text
    end: tuple[int, int]


def placed_tags(text: str, key: str) -> list[TagValue] | None:
    """The tags top-level property ``key`` holds, as ``tag_values`` reads them, each placed
    where the YAML text writes it; None when one is not written as loaded (escapes, folded
    lines, a nested list) or the text does not load."""
    try:
        root = _BoundedLoader(text).get_single_node()
    except (FrontmatterProblem, yaml.YAMLError, RecursionError):
        return None
    if not isinstance(root, yaml.MappingNode):
        return []
    found: list[TagValue] = []
    for key_node, value in root.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.value != key:
            continue
        if isinstance(value, yaml.SequenceNode):
            items, words = value.value, re.compile(r"\S+")
        else:
            items, words = [value], re.compile(r"[^,\s]+")  # one string: split on commas too
        for item in items:
            if not isinstance(item, yaml.ScalarNode):
                return None
            if item.tag == NULL_TAG:
                continue
            start, end = item.start_mark.index, item.end_mark.index
            if item.style in ("'", '"'):
                start, end = start + 1, end - 1
            if text[start:end] != item.value:
                return None
            for word in words.finditer(item.value):
                name = word[0].lstrip("#")
                if name:
                    first = start + word.end() - len(name)
                    found.append(
                        TagValue(
                            name, _line_column(text, first), _line_column(text, first + len(name))
                        )
                    )
    return found
