"""YAML that remembers where each value came from, so messages can name the line."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pipeline import limits
from pipeline.errors import PlanError
from pipeline.readers.inputfile import check_file
from pipeline.readers.textfile import unsafe_char, unsafe_message

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
# the tags plain YAML gives values by itself; anything else was typed (!foo, !!python/...)
_PLAIN_TAGS = {f"tag:yaml.org,2002:{t}" for t in
               ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")}


class _Walk:
    """Turns composed YAML nodes into data within budgets: aliases are not expanded beyond
    limits.YAML_NODES values (a "billion laughs" file stops here, not in the memory), an
    alias inside itself is named, tags and merge keys (<<) get a message, not a traceback."""

    def __init__(self, file: Path, lines: dict[Path_, int]):
        self.file, self.lines = file, lines
        self.nodes = 0
        self.open: set[int] = set()  # nodes being walked: meeting one again is a loop

    def fail(self, message: str, node: yaml.Node, path: Path_) -> PlanError:
        return PlanError(message, file=self.file, line=node.start_mark.line + 1,
                         field=dotted(path) or None)

    def __call__(self, node: yaml.Node, path: Path_) -> Any:
        self.nodes += 1
        if self.nodes > limits.YAML_NODES:
            raise self.fail(f"more than {limits.YAML_NODES:,} values once its aliases (*name) "
                            "are expanded; write the values out instead of repeating aliases",
                            node, path)
        if node.tag == "tag:yaml.org,2002:merge" or (
                isinstance(node, yaml.ScalarNode) and node.value == "<<" and node.style is None):
            raise self.fail("merge keys (<<: *name) are not supported; write the fields out",
                            node, path)
        if node.tag not in _PLAIN_TAGS:
            raise self.fail(f"the YAML tag '{node.tag.replace('tag:yaml.org,2002:', '!!')}' is not supported; remove it (a plan "
                            "holds plain text, numbers, lists and 'field: value' lines)",
                            node, path)
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
            if id(node) in self.open:
                raise self.fail("an alias (*name) refers to a value that contains it, so it "
                                "never ends; write the value out", node, path)
            self.open.add(id(node))
            try:
                return self._mapping(node, path) if isinstance(node, yaml.MappingNode) else \
                    [self(item, path + (i,)) for i, item in enumerate(node.value)]
            finally:
                self.open.discard(id(node))
        try:
            value = _constructor.construct_object(node, deep=True)
        except (ValueError, OverflowError, yaml.YAMLError) as exc:
            # e.g. 2026-02-30 looks like a date to YAML but is none
            raise self.fail(f"'{node.value[:80]}' cannot be read: {exc}", node, path) from None
        if isinstance(value, str):
            bad = unsafe_char(value)
            if bad:
                raise self.fail(unsafe_message(bad), node, path)
        return value

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict:
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail("a field name must be plain text", key_node, path)
            key = self(key_node, path)
            if not isinstance(key, str):  # null:, yes:, 1: as the clerk typed them
                key = key_node.value
            if key in out:
                raise PlanError(f"'{key}' appears twice", file=self.file,
                                line=key_node.start_mark.line + 1, field=dotted(path + (key,)))
            self.lines[path + (key,)] = key_node.start_mark.line + 1
            out[key] = self(value_node, path + (key,))
        return out


class _CountingLoader(yaml.SafeLoader):
    """Counts aliases while composing: the composer shares nodes, but each alias use is
    a place where a file can double its size."""

    aliases = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > limits.YAML_ALIASES:
                event = self.peek_event()
                raise yaml.YAMLError(f"@{event.start_mark.line}@more than "
                                     f"{limits.YAML_ALIASES} aliases (*name)")
        return super().compose_node(parent, index)


def load_located(file: Path) -> Located:
    file = Path(file)
    check_file(file, "the plan", limits.YAML_BYTES, PlanError)
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
        loader = _CountingLoader(text)
    except yaml.reader.ReaderError as exc:  # a raw control character in the file
        line = text[: exc.position].count("\n") + 1
        raise PlanError("this line " + unsafe_message(chr(exc.character))
                        if isinstance(exc.character, int)
                        else f"the plan is not valid YAML: {exc.reason}",
                        file=file, line=line) from None
    try:
        node = loader.get_single_node()
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise PlanError("this line " + unsafe_message(chr(exc.character))
                        if isinstance(exc.character, int)
                        else f"the plan is not valid YAML: {exc.reason}",
                        file=file, line=line) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        line = mark.line + 1 if mark else None
        if problem.startswith("@"):  # the alias budget
            _, at, problem = problem.split("@", 2)
            line = int(at) + 1
            problem += "; write the values out"
        hint = ""
        if "\t" in text and "tab" in str(problem):
            hint = " (indent with spaces, not tabs)"
        raise PlanError(f"the plan is not valid YAML: {problem}{hint}", file=file,
                        line=line) from None
    except RecursionError:
        raise PlanError("the plan nests lists or fields too deeply to read", file=file) from None
    finally:
        loader.dispose()
    if node is None:
        raise PlanError("the plan is empty", file=file)
    lines: dict[Path_, int] = {}
    try:
        data = _Walk(file, lines)(node, ())
    except RecursionError:
        raise PlanError("the plan nests lists or fields too deeply to read", file=file) from None
    if not isinstance(data, dict):
        raise PlanError("the plan must be a set of 'field: value' lines", file=file, line=1)
    return Located(data, lines, file)


def dotted(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
