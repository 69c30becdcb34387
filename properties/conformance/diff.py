"""The difference between two projected states, as data and as readable lines.

The diff walks both values together in canonical order, so it reads like the state itself: records by
sorted field name, maps by their keys in canonical order (numeric keys numerically), lists by index
(``[2]`` before ``[10]``), sets element by element. It tells apart what a flat comparison confuses:

- an empty collection (``{}`` written as "empty map", "empty set", ...) from an absent field;
- a map entry present on one side only (``links[3]: expected (no entry), actual {owner=400, ...}``) from
  a changed value inside an entry (``links[3].owner: expected 400, actual 401``);
- a set element missing or unexpected (``roles.admin: missing element 10``).

Each difference is a :class:`DiffEntry` with the path, both values as ITF JSON (``None`` when absent), and
its line. :func:`diff_states` never returns an empty list for states whose encodings differ.
"""

from __future__ import annotations

from typing import Any

import attrs

from properties.conformance.itf import FrozenList, ItfError, ItfMap, Variant, decode, dumps_canonical, encode, sort_key
from properties.conformance.wire import describe_key

MAX_VALUE_TEXT = 160


class _Absent:
    def __repr__(self) -> str:
        return "(absent)"


ABSENT = _Absent()


@attrs.frozen
class DiffEntry:
    path: str
    expected: Any
    """ITF JSON of the expected value, ``None`` when absent."""
    actual: Any
    kind: str
    """``changed``, ``missing`` (expected only) or ``unexpected`` (actual only)."""
    line: str

    def as_dict(self) -> dict[str, Any]:
        return {"path": self.path, "kind": self.kind, "expected": self.expected, "actual": self.actual}


def format_value(value: Any) -> str:
    """A decoded ITF value in one short line: records ``{field=v}``, maps ``{key: v}``, sets ``{a, b}``."""
    if value is ABSENT:
        return "(absent)"
    text = _format(value)
    return text if len(text) <= MAX_VALUE_TEXT else text[:MAX_VALUE_TEXT - 3] + "..."


def _format(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, str)):
        return str(value) if isinstance(value, int) else repr(value)
    if isinstance(value, Variant):
        return value.tag if value.value == () else f"{value.tag}({_format(value.value)})"
    if isinstance(value, frozenset):
        if not value:
            return "{} (empty set)"
        return "{" + ", ".join(_format(item) for item in sorted(value, key=sort_key)) + "}"
    if isinstance(value, ItfMap):
        if not value:
            return "{} (empty map)"
        entries = [f"{describe_key(key)}: {_format(value[key])}" for key in sorted(value, key=sort_key)]
        return "{" + ", ".join(entries) + "}"
    if isinstance(value, (list, FrozenList)):
        return "[" + ", ".join(_format(item) for item in value) + "]" if value else "[] (empty list)"
    if isinstance(value, tuple):
        return "(" + ", ".join(_format(item) for item in value) + ")"
    if isinstance(value, dict):
        if not value:
            return "{} (empty record)"
        return "{" + ", ".join(f"{key}={_format(value[key])}" for key in sorted(value)) + "}"
    return str(value)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, ItfMap):
        return "map"
    if isinstance(value, dict):
        return "record"
    if isinstance(value, (list, FrozenList)):
        return "list"
    return type(value).__name__


def _entry(path: str, want: Any, got: Any) -> DiffEntry:
    kind = "missing" if got is ABSENT else "unexpected" if want is ABSENT else "changed"
    want_text = "(no entry)" if want is ABSENT and path.endswith("]") else format_value(want)
    got_text = "(no entry)" if got is ABSENT and path.endswith("]") else format_value(got)
    return DiffEntry(path, None if want is ABSENT else encode(want), None if got is ABSENT else encode(got), kind,
                     f"{path or '(state)'}: expected {want_text}, actual {got_text}")


def _join(path: str, field: str) -> str:
    return f"{path}.{field}" if path else field


def _diff(want: Any, got: Any, path: str, out: list[DiffEntry]) -> None:
    if want is ABSENT or got is ABSENT or _kind(want) != _kind(got):
        out.append(_entry(path, want, got))
    elif isinstance(want, ItfMap):
        for key in sorted(set(want) | set(got), key=sort_key):
            _diff(want.get(key, ABSENT), got.get(key, ABSENT), f"{path}[{describe_key(key)}]", out)
    elif isinstance(want, dict):
        for key in sorted(set(want) | set(got)):
            _diff(want.get(key, ABSENT), got.get(key, ABSENT), _join(path, key), out)
    elif isinstance(want, (list, FrozenList)):
        for index in range(max(len(want), len(got))):
            _diff(want[index] if index < len(want) else ABSENT, got[index] if index < len(got) else ABSENT,
                  f"{path}[{index}]", out)
    elif isinstance(want, frozenset):
        _diff_sets(want, got, path, out)
    elif want != got or encode(want) != encode(got):
        out.append(_entry(path, want, got))


def _diff_sets(want: frozenset, got: frozenset, path: str, out: list[DiffEntry]) -> None:
    want_keys = {dumps_canonical(encode(item)): item for item in want}
    got_keys = {dumps_canonical(encode(item)): item for item in got}
    for key in sorted(set(want_keys) | set(got_keys)):
        if key in want_keys and key not in got_keys:
            item = want_keys[key]
            out.append(DiffEntry(path, encode(item), None, "missing", f"{path}: missing element {format_value(item)}"))
        elif key in got_keys and key not in want_keys:
            item = got_keys[key]
            out.append(DiffEntry(path, None, encode(item), "unexpected",
                                 f"{path}: unexpected element {format_value(item)}"))


def diff_states(expected_encoded: Any, actual_encoded: Any) -> list[DiffEntry]:
    """Every difference between two encoded projected states (module docstring), in state order."""
    try:
        expected, actual = decode(expected_encoded), decode(actual_encoded)
    except (ItfError, TypeError, ValueError) as error:
        return [DiffEntry("", None, None, "changed", f"(a state is not a valid ITF value: {error})")]
    out: list[DiffEntry] = []
    _diff(expected, actual, "", out)
    if not out and dumps_canonical(expected_encoded) != dumps_canonical(actual_encoded):
        out.append(DiffEntry("", None, None, "changed",
                             "(the two states decode to the same values but are encoded differently)"))
    return out
