"""Small builders of reStructuredText text, so generated pages read like hand-written ones."""

from __future__ import annotations

import inspect
import os
import re
from collections.abc import Callable, Sequence

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def indent(text: str, width: int) -> str:
    pad = " " * width
    return "\n".join(pad + line if line.strip() else "" for line in text.splitlines())


def literal(text: object) -> str:
    """Inline code; backquotes inside are rare in our sources and are spelled out."""
    value = str(text).replace("`", "'")
    if not value:
        return ""
    return f"``{value}``" if not value.startswith(" ") and not value.endswith(" ") else f"``{value.strip()}``"


def escape(text: object) -> str:
    """Plain text safe in a paragraph (inline markup characters escaped)."""
    return re.sub(r"([\\*`|_])", r"\\\1", str(text))


def title(text: str, underline: str) -> str:
    return f"{text}\n{underline * max(len(text), 3)}\n"


def label(name: str) -> str:
    """A reST reference label: lower case, words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def list_table(header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int] | None = None,
               css_class: str | None = None) -> str:
    lines = [".. list-table::", "   :header-rows: 1"]
    if widths:
        lines.append(f"   :widths: {' '.join(str(width) for width in widths)}")
    if css_class:
        lines.append(f"   :class: {css_class}")
    lines.append("")
    for row in [list(header), *[list(row) for row in rows]]:
        for position, cell in enumerate(row):
            cell_lines = str(cell).splitlines() or [""]
            bullet = "   * - " if position == 0 else "     - "
            lines.append(bullet + cell_lines[0] if cell_lines[0] else bullet.rstrip())
            for extra in cell_lines[1:]:
                lines.append("       " + extra if extra.strip() else "")
    return "\n".join(lines) + "\n"


def source_path(obj: object) -> str:
    """Path of ``obj``'s source file, in the form literalinclude wants (``/`` = the docs folder)."""
    path = os.path.relpath(inspect.getsourcefile(obj), REPO_ROOT)  # type: ignore[arg-type]
    return "/../" + path.replace(os.sep, "/")


def repo_path(obj: object) -> str:
    return os.path.relpath(inspect.getsourcefile(obj), REPO_ROOT).replace(os.sep, "/")  # type: ignore[arg-type]


def include_source(obj: Callable | type, caption: str | None = None) -> str:
    """literalinclude of a function or class, by line range read from the live object."""
    lines, start = inspect.getsourcelines(obj)
    end = start + len(lines) - 1
    name = getattr(obj, "__qualname__", getattr(obj, "__name__", "?"))
    caption = caption or f"{repo_path(obj)} — {name}"
    return "\n".join([
        f".. literalinclude:: {source_path(obj)}",
        "   :language: python",
        f"   :lines: {start}-{end}",
        f"   :lineno-start: {start}",
        f"   :caption: {caption}",
        "",
    ])


def first_line(doc: str | None) -> str:
    if not doc:
        return ""
    text = inspect.cleandoc(doc)
    paragraph = text.split("\n\n")[0]
    return " ".join(paragraph.split())
