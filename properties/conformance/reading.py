"""Total readers of outside data: any bytes give a JSON value or one :class:`InputError` line, never a crash.

Every input the conformance kit reads from outside (vector files, ``manifest.json``, the answers of an
implementation under test, the requests ``icnspec adapter`` serves) goes through :func:`load_json`, with
these stated limits (each far above anything this profile writes, and each refused with its name):

- :data:`MAX_FILE_BYTES` per file and :data:`MAX_LINE_BYTES` per protocol line;
- :data:`MAX_DEPTH` levels of nesting (checked while the value is decoded, so every recursive reader after
  it stays far from Python's recursion limit);
- :data:`MAX_INTEGER_DIGITS` decimal digits per integer (``#bigint`` or plain);
- UTF-8 only; JSON only (``NaN`` and ``Infinity`` are not JSON).

The message of an :class:`InputError` starts with where the input came from (a path, "the answer to step 3
(Transfer)", "request"), so a report names the file, the vector or the step.
"""

from __future__ import annotations

import json
from typing import Any

MAX_FILE_BYTES = 64 * 1024 * 1024
"""64 MiB per vector or manifest file: about 1,000 times the largest vector the generator writes (50 KB)."""
MAX_LINE_BYTES = 16 * 1024 * 1024
"""16 MiB per line of the adapter protocol: 1,000 times the largest line a vector holds (a projected state,
15 KB); a longer line is refused before it fills the runner's memory."""
MAX_DEPTH = 64
"""Levels of nesting in one value: the deepest value a vector holds is 11 levels (a parameter inside the
genesis inside the trace's ``#meta``); 64 leaves room for any encoding of the same data."""
MAX_INTEGER_DIGITS = 100
"""Decimal digits of one integer: the protocol's largest integer is the total supply in base units
(7 x 10^26, 27 digits), vectors probe rejections with up to 31, and a fixed-width port's largest (uint256)
has 78; a longer one is refused (Python itself stops converting at 4,300 digits)."""
INTEGER_BOUND = 10**MAX_INTEGER_DIGITS


class InputError(ValueError):
    """Input that cannot be read: not UTF-8, not JSON, too large, too deep, an integer too long. The base of
    every reader's error (:class:`~properties.conformance.itf.ItfError`, ``ProfileError``, ``WireError``)."""


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise ValueError(f"an integer of {len(text.lstrip('-')):,} digits (the limit is {MAX_INTEGER_DIGITS})")
    return int(text)


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant, parse_int=_bounded_int)
"""One decoder for every call (``json.loads`` with hooks would build a new one each time: the adapter hot path)."""


def load_json(data: bytes | str, where: str, limit: int = MAX_FILE_BYTES) -> Any:
    """``data`` parsed as JSON within the limits of the module docstring, or :class:`InputError`."""
    if len(data) > limit:
        raise InputError(f"{where}: {len(data):,} bytes, more than the {limit:,} this reader accepts")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise InputError(f"{where}: not UTF-8 (byte {error.start}: {data[error.start:error.start + 1]!r})") \
                from None
    try:
        return _DECODER.decode(data)
    except json.JSONDecodeError as error:
        raise InputError(f"{where}: not JSON: {error.msg} (line {error.lineno}, column {error.colno})") from None
    except RecursionError:
        raise InputError(f"{where}: nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as error:  # a refused constant or an integer too long
        raise InputError(f"{where}: {error}") from None


def read_file(path: str, what: str = "file") -> bytes:
    """The bytes of ``path``, at most :data:`MAX_FILE_BYTES`; :class:`InputError` for anything else."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise InputError(f"{path}: cannot read the {what}: {error.strerror or error}") from None
    if len(data) > MAX_FILE_BYTES:
        raise InputError(f"{path}: larger than the {MAX_FILE_BYTES:,} bytes this reader accepts")
    return data


def check_integer(value: int, where: str) -> int:
    """``value`` when it has at most :data:`MAX_INTEGER_DIGITS` digits."""
    if not -INTEGER_BOUND < value < INTEGER_BOUND:
        raise InputError(f"{where}: an integer of more than {MAX_INTEGER_DIGITS} digits")
    return value


def check_digits(text: str, where: str) -> str:
    """A ``#bigint`` string no longer than :data:`MAX_INTEGER_DIGITS` digits (checked before converting)."""
    if len(text) > MAX_INTEGER_DIGITS + 1:
        raise InputError(f"{where}: a #bigint of {len(text):,} characters (the limit is {MAX_INTEGER_DIGITS} "
                         "digits)")
    return text


def check_depth(value: Any, where: str, limit: int = MAX_DEPTH) -> None:
    """Raise :class:`InputError` when raw JSON ``value`` nests deeper than ``limit`` (for raw parts kept as read)."""
    level, depth = [value], 1
    while level:
        if depth > limit:
            raise InputError(f"{where}: nested deeper than {limit} levels")
        children = []
        for item in level:
            if isinstance(item, dict):
                children.extend(child for child in item.values() if isinstance(child, dict | list))
            elif isinstance(item, list):
                children.extend(child for child in item if isinstance(child, dict | list))
        level, depth = children, depth + 1
