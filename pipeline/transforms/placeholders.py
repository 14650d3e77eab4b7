"""Filling {{ params.x }} placeholders in any text field of a plan.

Templates run in jinja2's sandbox: a plan is data, and must not be able to read files or
call code. The sandbox's attribute rules are not enough for data typed (or pasted) by
anyone: a loop over range(100000) inside another, {{ 'x' * 10**9 }} or a macro calling itself
would hang the build or fill the memory. So every field is filled within budgets
(pipeline/limits.py): CPU time, output size, range() items, macro depth, integer size; the
operators and filters that can multiply a string are checked before they run. A
placeholder that names nothing is an error that names it, never an empty string.
"""
from __future__ import annotations

import contextlib
import operator
import re
import signal
import threading
import time
from functools import lru_cache
from typing import Any, Callable

from jinja2 import (StrictUndefined, Template, TemplateError, TemplateSyntaxError,
                    UndefinedError)
from jinja2.runtime import Macro
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from pipeline import limits
from pipeline.readers.textfile import unsafe_char, unsafe_message


class _NamedUndefined(StrictUndefined):
    def _fail_with_undefined_error(self, *args, **kwargs):
        raise UndefinedError(f"unknown placeholder '{self._undefined_name}'")

    # StrictUndefined binds these to the base method, so they must be re-pointed here
    __str__ = __iter__ = __len__ = __bool__ = _fail_with_undefined_error  # type: ignore


class BudgetError(Exception):
    """A template went over one of the limits; the message says which."""


class _Budget(threading.local):
    range_items = 0
    depth = 0
    max_chars = limits.TEMPLATE_OUTPUT_CHARS
    produced = 0  # characters built by repeats, paddings, replaces and joins in this render
    armed = False  # a render is running: the alarm may stop it
    deadline: float | None = None  # time.monotonic() by which a whole scope must be filled
    scope = ""  # what the deadline is for, in the message
    cut_by_scope = False  # the alarm was shortened to the scope's deadline


_budget = _Budget()


def _size(value: Any) -> int:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else 0


def _check_size(n: int, what: str) -> None:
    if n > _budget.max_chars:
        raise BudgetError(f"{what} would make {n:,} characters; a field may hold "
                          f"{_budget.max_chars:,}")


def _grow(n: int, what: str) -> None:
    """A step that builds text (a repeat, a padding, a replace, a join): within the field's
    size, and with all such steps of the render together within TEMPLATE_WORK_CHARS, so a
    loop of 10,000 steps of 200,000 characters each cannot fill the memory."""
    _check_size(n, what)
    _budget.produced += n
    if _budget.produced > limits.TEMPLATE_WORK_CHARS:
        raise BudgetError(f"the placeholders build more than {limits.TEMPLATE_WORK_CHARS:,} "
                          "characters in all")


def _weight(value: Any, depth: int = 0) -> int:
    """Characters a value prints as, roughly, without printing it: text its length, a list
    the weights of its items (a list of one big text repeated is big)."""
    if isinstance(value, (str, bytes)):
        return len(value)
    if isinstance(value, (list, tuple, set, frozenset)) and depth < 4:
        total = len(value)
        for item in value:
            total += _weight(item, depth + 1)
            if total > limits.TEMPLATE_WORK_CHARS:
                break
        return total
    if isinstance(value, dict) and depth < 4:
        return sum(_weight(k, depth + 1) + _weight(v, depth + 1) for k, v in value.items())
    return 1


def _check_int(value: Any) -> Any:
    if isinstance(value, int) and value.bit_length() > limits.TEMPLATE_INT_BITS:
        raise BudgetError(f"a number with more than {limits.TEMPLATE_INT_BITS} bits")
    return value


def _check_format(spec: Any) -> None:
    """Refuse a format whose width could be huge: a written width of a million or more, or a
    width taken from the arguments (%*s, {:{}})."""
    if isinstance(spec, str) and (re.search(r"%[-+ #0\d.]*\*", spec)
                                  or re.search(r"[%:][^%:{}]*\d{6,}", spec)
                                  or re.search(r"\{[^{}]*:[^{}]*\{", spec)):
        raise BudgetError("a format width of a million or more, or taken from a value")


class _BudgetedSandbox(SandboxedEnvironment):
    # operators that can build a huge string or number in one step are checked first; being
    # intercepted also keeps the compiler from folding them (a hang at compile time)
    intercepted_binops = frozenset(["*", "**", "+", "%", "//"])

    def call_binop(self, context, operator_: str, left: Any, right: Any) -> Any:
        if operator_ == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, bytes, list, tuple)) and isinstance(times, int):
                    _grow(_weight(seq) * max(times, 0), "a repeated text")
            if isinstance(left, int) and isinstance(right, int):
                if left.bit_length() + right.bit_length() > limits.TEMPLATE_INT_BITS:
                    raise BudgetError(f"a number with more than {limits.TEMPLATE_INT_BITS} bits")
        elif operator_ == "**":
            if isinstance(left, (int, float)) and isinstance(right, (int, float)):
                bits = abs(right) * max(abs(left), 2).bit_length() if isinstance(left, int) \
                    else 0
                if bits > limits.TEMPLATE_INT_BITS or abs(right) > limits.TEMPLATE_INT_BITS:
                    raise BudgetError(f"a power with more than {limits.TEMPLATE_INT_BITS} bits")
        elif operator_ == "+":
            _grow(_weight(left) + _weight(right), "joined text")
        elif operator_ == "%" and isinstance(left, str):
            _check_format(left)
        result = {"*": operator.mul, "**": operator.pow, "+": operator.add,
                  "%": operator.mod, "//": operator.floordiv}[operator_](left, right)
        _check_size(_size(result), "an expression")
        return _check_int(result)

    def wrap_str_format(self, value: Any):
        owner = getattr(value, "__self__", None)
        if isinstance(owner, str) and getattr(value, "__name__", "") in ("format", "format_map"):
            _check_format(owner)
        return super().wrap_str_format(value)

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (jinja's signature)
        owner = getattr(__obj, "__self__", None)
        name = getattr(__obj, "__name__", "")
        if isinstance(owner, str) and name in _STR_GROWERS:
            _grow(_STR_GROWERS[name](owner, args, kwargs), f"'{name}'")
        if isinstance(__obj, Macro):
            if _budget.depth >= limits.TEMPLATE_RECURSION:
                raise BudgetError(f"macros nested more than {limits.TEMPLATE_RECURSION} deep "
                                  "(a macro calling itself?)")
            _budget.depth += 1
            try:
                return super().call(__context, __obj, *args, **kwargs)
            finally:
                _budget.depth -= 1
        return super().call(__context, __obj, *args, **kwargs)


def _arg(args, kwargs, i: int, name: str, default: Any = 0) -> Any:
    value = args[i] if len(args) > i else kwargs.get(name, default)
    return value if isinstance(value, int) else default


def _replace_size(s: str, args, kwargs) -> int:
    old, new = (list(args) + ["", ""])[:2]
    if not isinstance(old, str) or not isinstance(new, str):
        return len(s)
    count = s.count(old) if old else len(s) + 1
    return len(s) + count * max(len(new) - len(old), 0)


_STR_GROWERS: dict[str, Callable[[str, tuple, dict], int]] = {
    "center": lambda s, a, k: max(len(s), _arg(a, k, 0, "width")),
    "ljust": lambda s, a, k: max(len(s), _arg(a, k, 0, "width")),
    "rjust": lambda s, a, k: max(len(s), _arg(a, k, 0, "width")),
    "zfill": lambda s, a, k: max(len(s), _arg(a, k, 0, "width")),
    "expandtabs": lambda s, a, k: len(s) + s.count("\t") * max(_arg(a, k, 0, "tabsize", 8), 0),
    "replace": _replace_size,
    "join": lambda s, a, k: (len(s) * max(_size(a[0]) - 1, 0) + _weight(a[0])
                             if a and isinstance(a[0], (list, tuple)) else 0),
    "format": lambda s, a, k: (_check_format(s), len(s))[1],
    "format_map": lambda s, a, k: (_check_format(s), len(s))[1],
}


def _budgeted_range(*args):
    items = len(range(*args))
    _budget.range_items += items
    if _budget.range_items > limits.TEMPLATE_RANGE_ITEMS:
        raise BudgetError(f"loops over more than {limits.TEMPLATE_RANGE_ITEMS:,} range() items")
    return range(*args)


def _guarded(env: SandboxedEnvironment, name: str, size: Callable[..., int]) -> None:
    original = env.filters[name]

    def guarded(*args, **kwargs):
        _grow(size(*args, **kwargs), f"the '{name}' filter")
        return original(*args, **kwargs)

    guarded.__dict__.update(original.__dict__)  # keeps jinja's pass_eval_context marks
    env.filters[name] = guarded


def _width(value, width=80, *_a, **_k) -> int:
    return max(_size(str(value)), width if isinstance(width, int) else 0)


def sandbox(**options) -> SandboxedEnvironment:
    """A jinja2 sandbox with the budgets: for plans here, and for any other template a user
    supplies (a certificate design); render with render()."""
    env = _BudgetedSandbox(**options)
    env.globals["range"] = _budgeted_range
    del env.globals["lipsum"]  # lorem ipsum of any length: no use in a 公文
    _guarded(env, "center", _width)
    _guarded(env, "indent", lambda s, width=4, *a, **k: _size(str(s)) * (
        1 + (width if isinstance(width, int) else len(str(width)))))
    _guarded(env, "wordwrap", lambda s, width=79, *a, **k: 2 * _size(str(s)))
    _guarded(env, "format", lambda s, *a, **k: (_check_format(s), _size(s))[1])
    _guarded(env, "replace", lambda ctx, s, old, new, count=None: _replace_size(
        str(s), (str(old), str(new)), {}))
    _guarded(env, "join", lambda ctx, value, d="", attribute=None: (
        _weight(list(value)) * (1 + len(str(d))) if isinstance(value, (list, tuple)) else 0))
    # a list or mapping printed (str(), |string, ~) is as big as its items
    _guarded(env, "string", lambda value: _weight(value))
    _guarded(env, "pprint", lambda value: 2 * _weight(value))
    _guarded(env, "tojson", lambda ctx, value, indent=None: 6 * _weight(value))
    return env


_env = sandbox(undefined=_NamedUndefined, autoescape=False, keep_trailing_newline=True)


class _Timeout(BaseException):
    """Raised by the alarm inside a template that runs too long (BaseException: a template
    cannot catch it)."""


@lru_cache(maxsize=256)
def _compiled(text: str):
    return _env.from_string(text)  # a batch fills one wording thousands of times


def _generate(template: Template | str, context: dict[str, Any], max_chars: int) -> str:
    _budget.range_items = 0
    _budget.depth = 0
    _budget.produced = 0
    _budget.max_chars = max_chars
    if isinstance(template, str):
        template = _compiled(template)
    out, size = [], 0
    for chunk in template.generate(**context):
        size += len(chunk)
        _check_size(size, "the filled text")
        out.append(chunk)
    return "".join(out)


@contextlib.contextmanager
def time_budget(seconds: float, what: str):
    """All renders inside share `seconds` of wall time (a plan's fields together, a batch's
    rows together): a field within its own budget, repeated in twenty fields and a thousand
    rows, must not make a build of hours."""
    outer = (_budget.deadline, _budget.scope)
    deadline = time.monotonic() + seconds
    if outer[0] is None or deadline < outer[0]:
        _budget.deadline, _budget.scope = deadline, f"{what} ran longer than {seconds:g} s"
    try:
        yield
    finally:
        _budget.deadline, _budget.scope = outer


def _alarm(_signum, _frame):
    if _budget.armed:
        raise _Timeout()


_handler = {"installed": False}


def _timed(template: Template | str, context: dict[str, Any], max_chars: int) -> str:
    """Render within TEMPLATE_SECONDS of wall time. The alarm works in the main thread only
    (the CLI, and each worker process); elsewhere the other budgets still hold. The handler
    stays installed when SIGALRM had none (it does nothing unless a render is running);
    someone else's handler is put back after each render."""
    seconds = limits.TEMPLATE_SECONDS
    _budget.cut_by_scope = False
    if _budget.deadline is not None:
        left = _budget.deadline - time.monotonic()
        if left <= 0:
            raise BudgetError(_budget.scope)
        if left < seconds:
            seconds, _budget.cut_by_scope = left, True
    if threading.current_thread() is not threading.main_thread():
        return _generate(template, context, max_chars)
    previous = None
    if not _handler["installed"]:
        previous = signal.signal(signal.SIGALRM, _alarm)
        if previous in (signal.SIG_DFL, signal.SIG_IGN, None, _alarm):
            _handler["installed"], previous = True, None
    outer, _interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    _budget.armed = True
    try:
        return _generate(template, context, max_chars)
    finally:
        _budget.armed = False
        left, _ = signal.setitimer(signal.ITIMER_REAL, 0)
        _budget.max_chars = limits.TEMPLATE_OUTPUT_CHARS
        if previous is not None:
            signal.signal(signal.SIGALRM, previous)
        if outer:  # someone else's alarm was pending: give it back what is left of it
            signal.setitimer(signal.ITIMER_REAL, max(outer - (seconds - left), 0.001))


def render(template: Template | str, context: dict[str, Any],
           max_chars: int = limits.TEMPLATE_OUTPUT_CHARS) -> str:
    """Render within the budgets; raises ValueError with a clerk-readable message."""
    try:
        result = _timed(template, context, max_chars)
    except UndefinedError as exc:
        known = ", ".join(sorted(context.get("params", {}))) or "none"
        raise ValueError(f"{exc} (params defines: {known})") from None
    except TemplateSyntaxError as exc:
        raise ValueError(f"broken placeholder: {exc.message}") from None
    except SecurityError:
        raise ValueError("a placeholder tried to reach something outside the plan's data") from None
    except BudgetError as exc:
        raise ValueError(f"a placeholder goes over a limit: {exc}") from None
    except _Timeout:
        if _budget.cut_by_scope:
            raise ValueError(f"a placeholder goes over a limit: {_budget.scope}") from None
        raise ValueError(f"a placeholder ran longer than {limits.TEMPLATE_SECONDS:g} s "
                         "(a loop too large?)") from None
    except RecursionError:
        raise ValueError("a placeholder calls itself without end") from None
    except MemoryError:
        raise ValueError("a placeholder needs more memory than there is") from None
    except TemplateError as exc:  # {% include %}, {% extends %}: a plan has no other files
        raise ValueError(f"a placeholder cannot be filled: {exc.message or type(exc).__name__}"
                         ) from None
    except Exception as exc:  # {{ 1/0 }}, int('x'), range(10**9): the template's own error
        raise ValueError(f"a placeholder cannot be filled: {exc or type(exc).__name__}") from None
    bad = unsafe_char(result)  # '\x1b' typed as an escape in a template string
    if bad:
        raise ValueError(f"the filled text {unsafe_message(bad)}")
    return result


def fill(text: str, context: dict[str, Any]) -> str:
    """Render one string; raises ValueError with a clerk-readable message."""
    if "{{" not in text and "{%" not in text and "{#" not in text:
        return text
    return render(text, context)


def escape(text: str) -> str:
    """Text that fills to itself: template syntax pasted into a draft stays text
    ({{ 7*7 }} prints as typed, not as 49)."""
    return re.sub(r"\{[{%#]", lambda m: '{{ "' + m.group(0) + '" }}', text)


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
