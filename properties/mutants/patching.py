"""Applying a mutant to the reference at run time, and always restoring it.

A mutant is a set of *edits*, each replacing one function of ``spec/`` by a buggy version:

- :class:`SourceEdit` takes the function's own source, replaces one snippet by another (the snippet
  must occur exactly as often as stated, so a corpus entry that no longer matches the spec fails
  loudly instead of silently mutating nothing), and compiles the result against the live globals
  of the function's module;
- :class:`ReplaceEdit` swaps in a hand-written function, for bugs that move whole blocks.

:func:`patched` installs the buggy versions wherever ``spec`` refers to the original function:
every ``spec.*`` module attribute bound to it and every entry of
:data:`spec.transition.HANDLERS`. Modules outside ``spec/`` (invariants, fuzzer, prover) keep their
own references untouched: the checkers are not mutated with the code they check. Nothing is ever
written to ``spec/`` on disk.
"""

from __future__ import annotations
import __future__

import contextlib
import inspect
import sys
import types
from collections.abc import Callable, Iterator

import attrs

MUTANT_FILENAME_TAG = "[mutant]"


@attrs.frozen
class SourceEdit:
    """Replace ``old`` by ``new`` in the source of ``function`` (``count`` occurrences expected)."""

    function: Callable
    old: str
    new: str
    count: int = 1


@attrs.frozen
class ReplaceEdit:
    """Replace ``function`` by ``replacement`` (same signature)."""

    function: Callable
    replacement: Callable


@attrs.frozen
class DropCheck:
    """Remove one precondition of ``function``: its ``require(condition, Reason.<reason>`` becomes
    ``require(True, Reason.<reason>`` (the check that was forgotten). Exactly one must exist."""

    function: Callable
    reason: str

    def as_source_edit(self) -> SourceEdit:
        source = get_function_source(self.function)
        marker = f", Reason.{self.reason}"
        found = source.count(marker)
        if found != 1:
            raise MutantError(f"{self.function.__qualname__}: Reason.{self.reason} checked {found} times, expected 1")
        end = source.index(marker)
        start = source.rfind("require(", 0, end)
        if start < 0:
            raise MutantError(f"{self.function.__qualname__}: no require(...) before Reason.{self.reason}")
        return SourceEdit(self.function, source[start:end + len(marker)], f"require(True{marker}")


Edit = SourceEdit | ReplaceEdit | DropCheck


class MutantError(Exception):
    """A corpus entry does not apply to the current spec (snippet not found, or found too often)."""


def get_function_source(function: Callable) -> str:
    return inspect.getsource(function)


def check_edit(edit: Edit) -> None:
    """Raise :class:`MutantError` unless ``edit`` applies to the current source exactly as stated."""
    if isinstance(edit, DropCheck):
        edit = edit.as_source_edit()
    if isinstance(edit, ReplaceEdit):
        if not callable(edit.replacement):
            raise MutantError(f"replacement for {edit.function.__qualname__} is not callable")
        return
    source = get_function_source(edit.function)
    found = source.count(edit.old)
    if found != edit.count:
        raise MutantError(f"{edit.function.__module__}.{edit.function.__qualname__}: snippet {edit.old!r} "
                          f"found {found} times, expected {edit.count}")
    if edit.old == edit.new:
        raise MutantError(f"{edit.function.__qualname__}: edit changes nothing")


def compile_mutated(function: Callable, source: str, label: str) -> Callable:
    """Compile ``source`` (one ``def``) into a function bound to the live globals of ``function``'s module."""
    module = sys.modules[function.__module__]
    first_line = function.__code__.co_firstlineno
    padded = "\n" * (first_line - 1) + source
    filename = f"{inspect.getsourcefile(function)} {MUTANT_FILENAME_TAG} {label}"
    flags = __future__.annotations.compiler_flag
    code = compile(padded, filename, "exec", flags=flags, dont_inherit=True)
    scratch: dict = dict(vars(module))
    exec(code, scratch)  # noqa: S102 - compiling the mutated copy of a spec function is the point
    built = scratch[function.__name__]
    mutated = types.FunctionType(built.__code__, vars(module), function.__name__, built.__defaults__,
                                 built.__closure__)
    mutated.__kwdefaults__ = built.__kwdefaults__
    mutated.__doc__ = function.__doc__
    mutated.__qualname__ = function.__qualname__
    mutated.__module__ = function.__module__
    return mutated


def build_replacements(edits: tuple[Edit, ...], label: str) -> dict[Callable, Callable]:
    """Original function -> buggy version. Several source edits of one function are applied in order."""
    sources: dict[Callable, str] = {}
    replacements: dict[Callable, Callable] = {}
    for edit in edits:
        check_edit(edit)
        if isinstance(edit, DropCheck):
            edit = edit.as_source_edit()
        if isinstance(edit, ReplaceEdit):
            edit.replacement.__mutant__ = True
            replacements[edit.function] = edit.replacement
            continue
        source = sources.get(edit.function, get_function_source(edit.function))
        sources[edit.function] = source.replace(edit.old, edit.new)
    for function, source in sources.items():
        replacements[function] = compile_mutated(function, source, label)
    return replacements


def _spec_modules() -> list[types.ModuleType]:
    modules = []
    for name in sorted(sys.modules):
        if name == "spec" or name.startswith("spec."):
            module = sys.modules[name]
            if module is not None:
                modules.append(module)
    return modules


@contextlib.contextmanager
def patched(replacements: dict[Callable, Callable]) -> Iterator[None]:
    """Install ``replacements`` in every ``spec`` module and in the handler table; always restore."""
    from spec import transition

    by_identity = {id(original): replacement for original, replacement in replacements.items()}
    restore: list[tuple[object, str, object]] = []
    handler_restore: list[tuple[type, Callable]] = []
    try:
        for module in _spec_modules():
            for name, value in list(vars(module).items()):
                if id(value) in by_identity:
                    restore.append((module, name, value))
                    setattr(module, name, by_identity[id(value)])
        for operation_type, handler in list(transition.HANDLERS.items()):
            if id(handler) in by_identity:
                handler_restore.append((operation_type, handler))
                transition.HANDLERS[operation_type] = by_identity[id(handler)]
        yield
    finally:
        for module, name, value in reversed(restore):
            setattr(module, name, value)
        for operation_type, handler in handler_restore:
            transition.HANDLERS[operation_type] = handler


def is_pristine() -> bool:
    """True when no spec function or handler is a mutant (used by tests and by the runner's guard)."""
    from spec import transition

    for handler in transition.HANDLERS.values():
        if MUTANT_FILENAME_TAG in handler.__code__.co_filename or getattr(handler, "__mutant__", False):
            return False
    for module in _spec_modules():
        for value in vars(module).values():
            code = getattr(value, "__code__", None)
            if code is not None and (MUTANT_FILENAME_TAG in code.co_filename or getattr(value, "__mutant__", False)):
                return False
    return True
