"""Reading what an implementation sends: strict ITF, so that a wire mistake is named where it is made.

The vector reader (:mod:`properties.conformance.itf`) is lenient on purpose: it reads plain ITF from other
tools, where small integers may be plain JSON numbers. What an implementation under test answers is held
to the wire format of ``FORMAT.md`` instead, and every departure is a :class:`WireError` naming its path:

- every integer is ``{"#bigint": "<decimal>"}`` (a plain JSON number loses precision above 2^53 in most
  JSON libraries, so it is refused, never guessed at); the decimal has no sign but ``-``, no leading zeros;
- ``#set`` elements and ``#map`` entries come in canonical order (:func:`properties.conformance.itf.sort_key`),
  each element or key once: the runner hashes what it receives, so an order it silently fixed would hide
  a port that iterates in the wrong order elsewhere;
- answers carry every key their type requires (``outcome`` answers both ``outcome`` and ``events``).

Paths are written like state-diff paths: ``links[3].owner``, ``roles.admin{0}`` (set element 0),
``faults[(scalernode_downtime, 1, 0)]``, ``events[2].value.amount``.
"""

from __future__ import annotations

import re
from typing import Any

from properties.conformance.itf import (
    FrozenList,
    FrozenMap,
    FrozenRecord,
    ItfMap,
    Variant,
    sort_key,
)
from properties.conformance.reading import MAX_DEPTH, MAX_INTEGER_DIGITS, InputError

_DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)")


class WireError(InputError):
    """A value or answer that breaks the wire format; the message names the path."""


def describe_key(value: Any) -> str:
    """A decoded map key or set element as it appears in a path."""
    if isinstance(value, Variant):
        return value.tag if value.value == () else f"{value.tag}({describe_key(value.value)})"
    if isinstance(value, tuple) and not isinstance(value, FrozenList):
        return "(" + ", ".join(describe_key(item) for item in value) + ")"
    if isinstance(value, str):
        return repr(value)
    return str(value)


def _join(path: str, field: str) -> str:
    return f"{path}.{field}" if path else field


def decode_wire(value: Any, path: str = "", frozen: bool = False, depth: int = 1) -> Any:
    """Strictly decode one ITF JSON value sent by an implementation (module docstring); raises WireError."""
    if isinstance(value, bool) or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        raise WireError(f"integer written as a plain JSON number at {path or '(top)'}: {shown}; "
                        "every integer is {\"#bigint\": \"...\"}")
    if depth > MAX_DEPTH:
        raise WireError(f"nested deeper than {MAX_DEPTH} levels at {path or '(top)'}")
    depth += 1
    if isinstance(value, list):
        items = [decode_wire(item, f"{path}[{index}]", frozen, depth) for index, item in enumerate(value)]
        return FrozenList(items) if frozen else items
    if not isinstance(value, dict):
        raise WireError(f"not an ITF value at {path or '(top)'}: {value!r}")
    if len(value) == 1:
        ((key, inner),) = value.items()
        if key == "#bigint":
            return _decode_bigint(inner, path)
        if key == "#tup":
            return tuple(decode_wire(item, f"{path}({index})", True, depth)
                         for index, item in enumerate(_array(inner, path)))
        if key == "#set":
            return _decode_set(_array(inner, path), path, depth)
        if key == "#map":
            return _decode_map(_array(inner, path), path, frozen, depth)
        if key == "#unserializable":
            raise WireError(f"#unserializable at {path or '(top)'}: an implementation must send the value itself")
    if set(value) == {"tag", "value"} and isinstance(value["tag"], str):
        return Variant(value["tag"], decode_wire(value["value"], _join(path, "value"), True, depth))
    for key in value:
        if isinstance(key, str) and key.startswith("#"):
            raise WireError(f"{key} must be the only key of its object at {path or '(top)'}")
    record = FrozenRecord() if frozen else {}
    for key, item in value.items():
        record[key] = decode_wire(item, _join(path, key), frozen, depth)
    return record


def _decode_bigint(inner: Any, path: str) -> int:
    if isinstance(inner, str) and len(inner) > MAX_INTEGER_DIGITS + 1:
        raise WireError(f"#bigint at {path or '(top)'} has {len(inner):,} characters (the limit is "
                        f"{MAX_INTEGER_DIGITS} digits)")
    if not isinstance(inner, str) or not _DECIMAL.fullmatch(inner):
        shown = repr(inner) if len(repr(inner)) <= 60 else repr(inner)[:57] + "..."
        raise WireError(f"#bigint at {path or '(top)'} must hold a decimal string like \"-42\", got {shown}")
    return int(inner)


def _array(inner: Any, path: str) -> list:
    if not isinstance(inner, list):
        raise WireError(f"expected a JSON array at {path or '(top)'}, got {type(inner).__name__}")
    return inner


def _require_increasing(previous: Any, current: Any, what: str, path: str) -> None:
    if previous is None:
        return
    if sort_key(previous[0]) == sort_key(current[0]):
        raise WireError(f"duplicate {what} {describe_key(current[0])} at {path or '(top)'}")
    if sort_key(previous[0]) > sort_key(current[0]):
        raise WireError(f"entries out of canonical order at {path or '(top)'}: {describe_key(current[0])} comes "
                        f"after {describe_key(previous[0])} (sort {what}s as FORMAT.md section 1 says)")


def _decode_set(items: list, path: str, depth: int) -> frozenset:
    previous = None
    result = []
    for index, item in enumerate(items):
        element = decode_wire(item, f"{path}{{{index}}}", True, depth)
        _require_increasing(previous, (element,), "element", path)
        previous = (element,)
        result.append(element)
    return frozenset(result)


def _decode_map(pairs: list, path: str, frozen: bool, depth: int) -> ItfMap:
    result = FrozenMap() if frozen else ItfMap()
    previous = None
    for index, pair in enumerate(pairs):
        if not isinstance(pair, list) or len(pair) != 2:
            shown = repr(pair) if len(repr(pair)) <= 60 else repr(pair)[:57] + "..."
            raise WireError(f"#map entries are [key, value] pairs at {path or '(top)'}[#{index}], got {shown}")
        key = decode_wire(pair[0], f"{path}[#{index} key]", True, depth)
        _require_increasing(previous, (key,), "key", path)
        previous = (key,)
        result[key] = decode_wire(pair[1], f"{path}[{describe_key(key)}]", frozen, depth)
    return result


def require_keys(answer: dict, keys: tuple[str, ...], what: str) -> None:
    """Every key an answer of this type must carry."""
    missing = [key for key in keys if key not in answer]
    if missing:
        raise WireError(f"the {what} answer lacks {', '.join(repr(key) for key in missing)} "
                        f"(it carries {', '.join(repr(key) for key in sorted(answer))})")
