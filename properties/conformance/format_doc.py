"""The tables of ``FORMAT.md`` as data: the docs render them and the tests check them against the code.

A table is delimited by ``<!-- NAME: begin -->`` and ``<!-- NAME: end -->`` comments; :func:`read_table`
returns its rows as lists of cell texts (the header row first), with surrounding backticks kept.
"""

from __future__ import annotations

import os

FORMAT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "FORMAT.md")


class FormatDocError(ValueError):
    """A table marker is missing or a row does not have the header's number of cells."""


def _cells(line: str) -> list[str]:
    inner = line.strip()
    if not (inner.startswith("|") and inner.endswith("|")):
        raise FormatDocError(f"not a table row: {line!r}")
    return [cell.strip() for cell in inner[1:-1].split("|")]


def read_table(name: str, path: str = FORMAT_PATH) -> list[list[str]]:
    """Rows of the table marked ``name`` in ``path``: the header row, then the body rows."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    begin, end = f"<!-- {name}: begin -->", f"<!-- {name}: end -->"
    if begin not in text or end not in text:
        raise FormatDocError(f"{path} has no table marked {name!r}")
    lines = [line for line in text.split(begin, 1)[1].split(end, 1)[0].splitlines() if line.strip()]
    rows = [_cells(line) for line in lines if not set(line.strip()) <= set("|-: ")]
    for row in rows[1:]:
        if len(row) != len(rows[0]):
            raise FormatDocError(f"table {name!r}: row {row[0]!r} has {len(row)} cells, the header {len(rows[0])}")
    return rows


def unquote(cell: str) -> str:
    """The first backticked part of a cell (``\\`0\\``` -> ``0``), or the cell itself."""
    if cell.count("`") >= 2:
        return cell.split("`")[1]
    return cell
