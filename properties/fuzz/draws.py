"""Choices for the fuzz harness, made directly on Hypothesis' choice sequence.

Every value the state machine chooses (which action runs next, which account, which amount) is one
*choice* of the current Hypothesis example, so Hypothesis replays, mutates and shrinks the run as usual.
:class:`Draws` makes those choices with the primitives that Hypothesis' own strategies end in
(``draw_integer`` and ``draw_boolean`` of the example's ``ConjectureData``), with the same distributions:

- ``integer(lo, hi)`` is ``st.integers(lo, hi)``: uniform, with the bounds and their neighbours weighted
  up when the range is wider than 128 values, as the strategy does;
- ``choice(items)`` is ``st.sampled_from(items)``: an index drawn uniformly;
- ``boolean(p)`` is ``st.booleans()`` for ``p = 1/2``;
- ``one_of((lo, hi), ...)`` is ``st.one_of`` of ``st.integers``: a range chosen, then an int in it.

Why not the strategies themselves: a strategy draw through ``st.data()`` costs 80 to 160 µs in
Hypothesis 6.155 (spans, notes for the failure report, checks), against about 20 µs for the primitive
below it, and a fuzz step makes several. The failure report does not lose anything by it: the harness
prints and saves the failing trace of operations itself (:mod:`properties.fuzz.harness`).

:class:`StrategyDraws` makes the same choices through public strategies. It is used when a Hypothesis
version lacks the primitives, and the tests check that both give values in the same ranges.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

WIDE = 127
"""Ranges wider than this get the boundary weights of ``st.integers`` (bounds 2/128, neighbours 1/128)."""


def _check_range(lo: int, hi: int) -> None:
    if lo > hi:
        raise ValueError(f"empty range [{lo}, {hi}]")


def _check_items(items: Sequence[Any]) -> None:
    if not isinstance(items, Sequence):
        raise TypeError(f"choice needs a sequence, not {type(items).__name__}")
    if not items:
        raise ValueError("choice from an empty sequence")


def _boundary_weights(lo: int, hi: int) -> dict[int, float] | None:
    if hi - lo <= WIDE:
        return None
    return {lo: 2 / 128, lo + 1: 1 / 128, hi - 1: 1 / 128, hi: 2 / 128}


class Draws:
    """Choices on the choice sequence of one Hypothesis example (``data`` is the ``st.data()`` object)."""

    __slots__ = ("_integer", "_boolean")

    def __init__(self, data: Any) -> None:
        conjecture = data.conjecture_data
        self._integer = conjecture.draw_integer
        self._boolean = conjecture.draw_boolean

    def integer(self, lo: int, hi: int) -> int:
        """An int in ``[lo, hi]``."""
        _check_range(lo, hi)
        return self._integer(lo, hi, weights=_boundary_weights(lo, hi))

    def choice(self, items: Sequence[Any]) -> Any:
        """One of ``items`` (a non-empty sequence; pass an enum as ``tuple(Enum)``)."""
        _check_items(items)
        return items[self._integer(0, len(items) - 1)] if len(items) > 1 else items[0]

    def boolean(self, p: float = 0.5) -> bool:
        """True with probability ``p`` (shrinks to False)."""
        return self._boolean(p)

    def one_of(self, *ranges: tuple[int, int]) -> int:
        """An int from one of the ``(lo, hi)`` ranges, the range chosen first (``st.one_of`` of
        ``st.integers``)."""
        lo, hi = self.choice(ranges)
        return self.integer(lo, hi)


class StrategyDraws:
    """The same choices through public strategies (slower; a fallback and a reference for the tests)."""

    __slots__ = ("_data",)

    def __init__(self, data: Any) -> None:
        self._data = data

    def integer(self, lo: int, hi: int) -> int:
        _check_range(lo, hi)
        return self._data.draw(st.integers(lo, hi))

    def choice(self, items: Sequence[Any]) -> Any:
        _check_items(items)
        return self._data.draw(st.sampled_from(list(items)))

    def boolean(self, p: float = 0.5) -> bool:
        if p == 0.5:
            return self._data.draw(st.booleans())
        return self._data.draw(st.integers(0, 255)) < round(p * 256)

    def one_of(self, *ranges: tuple[int, int]) -> int:
        return self._data.draw(st.one_of(*(st.integers(lo, hi) for lo, hi in ranges)))


def draws_for(data: Any) -> Draws | StrategyDraws:
    """The fast :class:`Draws` when this Hypothesis has the primitives, else :class:`StrategyDraws`."""
    conjecture = getattr(data, "conjecture_data", None)
    if conjecture is not None and hasattr(conjecture, "draw_integer") and hasattr(conjecture, "draw_boolean"):
        return Draws(data)
    return StrategyDraws(data)
