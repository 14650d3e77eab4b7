"""Filling {{ params.x }} placeholders in any text field of a plan.

Templates run in jinja2's sandbox: a plan is data, and must not be able to read files or
call code. A placeholder that names nothing is an error that names it, never an empty string.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Callable

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment, SecurityError


class _NamedUndefined(StrictUndefined):
    def _fail_with_undefined_error(self, *args, **kwargs):
        raise UndefinedError(f"unknown placeholder '{self._undefined_name}'")

    # StrictUndefined binds these to the base method, so they must be re-pointed here
    __str__ = __iter__ = __len__ = __bool__ = _fail_with_undefined_error  # type: ignore


_env = SandboxedEnvironment(undefined=_NamedUndefined, autoescape=False,
                            keep_trailing_newline=True)


@lru_cache(maxsize=256)
def _compiled(text: str):
    return _env.from_string(text)  # a batch fills one wording thousands of times


def fill(text: str, context: dict[str, Any]) -> str:
    """Render one string; raises ValueError with a clerk-readable message."""
    if "{{" not in text and "{%" not in text:
        return text
    try:
        return _compiled(text).render(**context)
    except UndefinedError as exc:
        known = ", ".join(sorted(context.get("params", {}))) or "none"
        raise ValueError(f"{exc} (params defines: {known})") from None
    except TemplateSyntaxError as exc:
        raise ValueError(f"broken placeholder: {exc.message}") from None
    except SecurityError:
        raise ValueError("a placeholder tried to reach something outside the plan's data") from None


def fill_tree(data: Any, context: dict[str, Any], on_error: Callable[[tuple, str], None],
              path: tuple = ()) -> Any:
    """Fill every string in nested dicts/lists; on_error(path, message) must raise."""
    if isinstance(data, dict):
        return {k: fill_tree(v, context, on_error, path + (k,)) for k, v in data.items()}
    if isinstance(data, list):
        return [fill_tree(v, context, on_error, path + (i,)) for i, v in enumerate(data)]
    if isinstance(data, str):
        try:
            return fill(data, context)
        except ValueError as exc:
            on_error(path, str(exc))
    return data
