"""The part of the Solidity ABI that the driver needs: static types, selectors, topics, revert data.

Supported types: ``address``, ``bool``, ``uintN``, ``intN``, ``bytesN`` and fixed arrays ``T[K]`` of those.
Every value is one or more 32-byte words; there is no dynamic data, except in the standard
``Error(string)`` revert, which :func:`decode_revert` reads on its own.

Integers are written as 256-bit two's complement words, as the ABI writes ``int256``: a negative
integer passed where a contract takes ``uint256`` arrives as a word above ``type(int256).max``, and the
ICN contracts reject it as ``NegativeValue`` (examples/solidity/contracts/ICNErrors.sol).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from Crypto.Hash import keccak

WORD = 32
WORD_RANGE = 1 << 256
ADDRESS_RANGE = 1 << 160
PANIC_SELECTOR = bytes.fromhex("4e487b71")
ERROR_STRING_SELECTOR = bytes.fromhex("08c379a0")
PANIC_CODES = {
    0x01: "assert failed", 0x11: "arithmetic overflow or underflow", 0x12: "division by zero",
    0x21: "invalid enum value", 0x22: "bad storage byte array", 0x31: "pop of an empty array",
    0x32: "array index out of bounds", 0x41: "out of memory", 0x51: "call to an invalid function",
}
_ARRAY = re.compile(r"^(.+)\[(\d+)\]$")


class AbiError(ValueError):
    """A value that the ABI type cannot carry, or data that does not decode."""


def keccak256(data: bytes) -> bytes:
    digest = keccak.new(digest_bits=256)
    digest.update(data)
    return digest.digest()


def signature(name: str, inputs: list[dict[str, Any]]) -> str:
    """The canonical signature ``name(type,...)`` of an ABI entry (static types only)."""
    return f"{name}({','.join(entry['type'] for entry in inputs)})"


def selector(text: str) -> bytes:
    return keccak256(text.encode("ascii"))[:4]


@functools.cache
def array_of(abi_type: str) -> tuple[str, int] | None:
    """(element type, length) of a fixed array type ``T[K]``, None for an elementary type."""
    array = _ARRAY.match(abi_type)
    return (array.group(1), int(array.group(2))) if array else None


@functools.cache
def words_of(abi_type: str) -> int:
    """How many 32-byte words a static type takes."""
    array = array_of(abi_type)
    if array:
        return array[1] * words_of(array[0])
    if abi_type == "tuple" or abi_type.endswith("[]") or abi_type in ("string", "bytes"):
        raise AbiError(f"dynamic type {abi_type} is not supported")
    return 1


def encode_word(abi_type: str, value: Any) -> bytes:
    if abi_type == "bool":
        if not isinstance(value, bool):
            raise AbiError(f"bool expected, got {value!r}")
        return int(value).to_bytes(WORD, "big")
    if isinstance(value, bool) or not isinstance(value, int):
        raise AbiError(f"integer expected for {abi_type}, got {value!r}")
    if abi_type == "address":
        if not 0 <= value < ADDRESS_RANGE:
            raise AbiError(f"{value} is not a 160-bit address")
        return value.to_bytes(WORD, "big")
    if not -(WORD_RANGE >> 1) <= value < WORD_RANGE:
        raise AbiError(f"{value} does not fit a 256-bit word")
    return (value % WORD_RANGE).to_bytes(WORD, "big")


def encode_value(abi_type: str, value: Any) -> bytes:
    array = array_of(abi_type)
    if array:
        element, count = array
        if not isinstance(value, (list, tuple)) or len(value) != count:
            raise AbiError(f"{abi_type} expects {count} values, got {value!r}")
        return b"".join(encode_value(element, item) for item in value)
    return encode_word(abi_type, value)


def encode_arguments(types: list[str], values: list[Any]) -> bytes:
    if len(types) != len(values):
        raise AbiError(f"{len(types)} arguments expected, got {len(values)}")
    return b"".join(encode_value(abi_type, value) for abi_type, value in zip(types, values, strict=True))


def decode_word(abi_type: str, word: bytes) -> Any:
    number = int.from_bytes(word, "big")
    if abi_type == "bool":
        return number != 0
    if abi_type == "address":
        return number % ADDRESS_RANGE
    if abi_type.startswith("int") and number >= WORD_RANGE >> 1:
        return number - WORD_RANGE
    return number


def decode_value(abi_type: str, data: bytes, offset: int) -> Any:
    array = array_of(abi_type)
    if array:
        element, count = array
        size = words_of(element) * WORD
        return [decode_value(element, data, offset + index * size) for index in range(count)]
    word = data[offset:offset + WORD]
    if len(word) != WORD:
        raise AbiError(f"data too short for {abi_type} at byte {offset}")
    return decode_word(abi_type, word)


def decode_arguments(types: list[str], data: bytes) -> list[Any]:
    values = []
    offset = 0
    for abi_type in types:
        values.append(decode_value(abi_type, data, offset))
        offset += words_of(abi_type) * WORD
    return values


def decode_error_string(data: bytes) -> str:
    """The text of a standard ``Error(string)`` revert (``data`` without its selector)."""
    try:
        length = int.from_bytes(data[WORD:2 * WORD], "big")
        return data[2 * WORD:2 * WORD + length].decode("utf-8", "replace")
    except (ValueError, IndexError):
        return data.hex()
