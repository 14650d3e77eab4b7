"""A plan's data written as the YAML file a clerk reads, edits and builds: multi-line text
as | blocks, fields in the order the data gives them (the import and the web form)."""
from __future__ import annotations

import yaml


class _Literal(str):
    """A multi-line string dumped as a | block, as a clerk would type it."""


def _literal(dumper, data):
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style="|")


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Literal, _literal)


def _blocks(value):
    """Multi-line strings anywhere in a plan become | blocks."""
    if isinstance(value, dict):
        return {k: _blocks(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_blocks(v) for v in value]
    if isinstance(value, str) and "\n" in value:
        return _Literal(value if value.endswith("\n") else value + "\n")
    return value


def dump_plan(data: dict) -> str:
    """A plan (as a dict, e.g. from a web form) written as a clerk would type it."""
    return yaml.dump(_blocks(data), Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     width=1000)
