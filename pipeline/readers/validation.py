"""pydantic's validation errors on a YAML file, as one line a clerk can act on.

Every schema read from YAML (the plan, a report's data sections, a certificate plan) reports
its first problem here: the file, the line, the field, and for an unknown field the known one
it was probably meant to be (titel → title).
"""
from __future__ import annotations

import difflib
import re
from typing import Any

from pydantic import BaseModel, ValidationError

from pipeline.errors import PlanError
from pipeline.readers.yamlsource import Located, dotted

_FRIENDLY = {
    "missing": "is required but missing",
    "string_type": "should be text",
    "int_parsing": "should be a whole number",
    "int_type": "should be a whole number",
    "float_parsing": "should be a number",
    "list_type": "should be a list (lines starting with '- ')",
    "dict_type": "should be a set of 'field: value' lines",
    "model_type": "should be a set of 'field: value' lines",
    "greater_than_equal": "is too small",
    "less_than_equal": "is too large",
    "greater_than": "is too small",
    "less_than": "is too large",
    "string_too_long": "is too long",
    "finite_number": "should be an ordinary number (not .nan or .inf)",
    "float_type": "should be a number",
    "too_short": "has too few items",
    "too_long": "has too many items",
    "bool_type": "should be yes or no",
    "int_from_float": "should be a whole number",
    "tuple_type": "should be a list, e.g. [0, 0]",
    "float_from_bool": "should be a number",
    "int_from_bool": "should be a whole number",
}


# pydantic's names for union members and constrained types ('str', 'list[str]',
# 'constrained-str', 'function-after[...]'): never shown to a clerk
_UNION_TAG = re.compile(r"^(str|int|float|bool|list|dict|tuple|constrained-\w+|function-\w+|"
                        r"json-or-python|union|nullable|lax-or-strict|chain|[a-z-]+\[.*\])"
                        r"(\[.*\])?$")


def _fields_of(model_cls: type[BaseModel], path: tuple) -> list[str]:
    cls: Any = model_cls
    for part in path:
        if isinstance(part, int):
            continue
        info = getattr(cls, "model_fields", {}).get(part)
        if info is None:
            return []
        cls = info.annotation
        for arg in getattr(cls, "__args__", ()) or ():
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                cls = arg
            elif getattr(arg, "__args__", None):
                inner = [a for a in arg.__args__ if isinstance(a, type) and issubclass(a, BaseModel)]
                cls = inner[0] if inner else cls
    return list(getattr(cls, "model_fields", {}))


def plan_error(exc: ValidationError, src: Located, model: type[BaseModel]) -> PlanError:
    """One clerk-readable PlanError (file, line, field) for pydantic's errors on a YAML file."""
    # an unknown field first: it usually explains a "missing" one (titel → title)
    err = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")[0]
    # pydantic reports union members as extra path parts ('str', 'list[str]'): drop them
    loc = tuple(p for p in err["loc"] if isinstance(p, int) or not _UNION_TAG.match(p))
    kind = err["type"]
    if kind == "extra_forbidden":
        name = loc[-1]
        close = difflib.get_close_matches(str(name), _fields_of(model, loc[:-1]), n=1,
                                          cutoff=0.4)
        message = f"unknown field '{name}'" + (f" (did you mean '{close[0]}'?)" if close else "")
    elif kind in ("value_error", "assertion_error"):
        message = str(err.get("ctx", {}).get("error", err["msg"]))
    elif kind == "missing":
        message = "is required but missing"
    else:
        message = _FRIENDLY.get(kind) or re.sub(r"^Input should", "should", err["msg"])
        limit = (err.get("ctx") or {}).get("max_length") or (err.get("ctx") or {}).get("le")
        if kind in ("string_too_long", "too_long", "less_than_equal") and limit is not None:
            message += f" (at most {limit:g})" if isinstance(limit, float) else \
                f" (at most {limit})"
    if not loc:
        return PlanError(message, file=src.file)
    return PlanError(message, file=src.file, line=src.line_of(loc), field=dotted(loc))
