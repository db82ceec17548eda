"""YAML frontmatter: safe loading, and the aliases, tags, title and links it declares.

Only PyYAML's safe loader is used, so tags such as ``!!python/object`` construct nothing; alias
references are counted and the size of the document with every alias expanded is bounded, so an
alias bomb ("billion laughs", which needs fewer than 100 references) fails fast as a frontmatter
error instead of exhausting memory when its values are displayed.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

import yaml

MAX_ALIAS_REFERENCES = 100
MAX_DEPTH = 100  # lists and mappings inside one another
MAX_EXPANDED_NODES = 100_000  # values, lists and mappings, counted with aliases expanded
LIST_KEYS = {"aliases", "alias", "tags", "tag", "cssclasses", "cssclass"}
WIKILINK = re.compile(r"!?\[\[([^\[\]\n]+?)\]\]")


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


def load_yaml(text: str) -> dict[str, Any]:
    """The frontmatter mapping (empty for an empty block); raises ``FrontmatterProblem``."""
    if _FAST_LOADER is not None and "&" not in text:
        try:
            data = yaml.load(text, Loader=_FAST_LOADER)
        except (yaml.YAMLError, ValueError, TypeError, RecursionError):
            pass  # ``d: 2024-13-45`` raises ValueError: the pure loader reports it
        else:
            return _as_mapping(_shallow(data))
    return _as_mapping(_shallow(_load_bounded(text)))


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


def _load_bounded(text: str) -> Any:
    try:
        return yaml.load(text, Loader=_BoundedLoader)
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
