"""YAML that remembers where each value came from, so messages can name the line."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import PlanError

Path_ = tuple  # a path into the data: ("attachments", 0, "title")


class Located:
    """Parsed YAML data plus the line (1-based) of every key and list item."""

    def __init__(self, data: Any, lines: dict[Path_, int], file: Path):
        self.data = data
        self.lines = lines
        self.file = file

    def line_of(self, path: Path_) -> int | None:
        """Line of the deepest known prefix of path (a missing key points at its parent)."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)


_constructor = yaml.SafeLoader("")


def _walk(node: yaml.Node, path: Path_, lines: dict[Path_, int], file: Path) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _constructor.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key)
            if key in out:
                raise PlanError(f"'{key}' appears twice", file=file,
                                line=key_node.start_mark.line + 1, field=dotted(path + (key,)))
            lines[path + (key,)] = key_node.start_mark.line + 1
            out[key] = _walk(value_node, path + (key,), lines, file)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_walk(item, path + (i,), lines, file) for i, item in enumerate(node.value)]
    try:
        return _constructor.construct_object(node, deep=True)
    except ValueError as exc:  # e.g. 2026-02-30 looks like a date to YAML but is none
        raise PlanError(f"'{node.value}' cannot be read: {exc}", file=file,
                        line=node.start_mark.line + 1, field=dotted(path)) from None


def load_located(file: Path) -> Located:
    file = Path(file)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise PlanError(f"cannot read the plan: {exc.strerror}", file=file) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PlanError("the plan is not UTF-8 text; save it as UTF-8 (in Notepad: 另存为 → 编码 UTF-8)",
                        file=file, line=line) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        hint = ""
        if "\t" in text and "tab" in str(problem):
            hint = " (indent with spaces, not tabs)"
        raise PlanError(f"the plan is not valid YAML: {problem}{hint}", file=file,
                        line=mark.line + 1 if mark else None) from None
    if node is None:
        raise PlanError("the plan is empty", file=file)
    lines: dict[Path_, int] = {}
    data = _walk(node, (), lines, file)
    if not isinstance(data, dict):
        raise PlanError("the plan must be a set of 'field: value' lines", file=file, line=1)
    return Located(data, lines, file)


def dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
