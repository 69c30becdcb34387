"""The invariant registry of ICN (issue 3): every invariant stated once, in protocol words, with its code
written against :mod:`models.logic` so that the fuzz harness (concrete) and the prover (symbolic) evaluate
the same definition.

Importing this package registers every invariant, in a fixed order (module by module).
"""

from __future__ import annotations

from properties.invariants import effects, eras, links, nodes, rewards, roles, slashing, supply  # noqa: F401  (registers)
from properties.invariants.effects import check_effects
from properties.invariants.registry import (
    REGISTRY,
    SEVERITIES,
    Invariant,
    Violation,
    check_state,
    check_step,
    effect_checks,
    order_registry,
    state_invariants,
    step_invariants,
)

order_registry()

__all__ = [
    "REGISTRY",
    "SEVERITIES",
    "Invariant",
    "Violation",
    "check_state",
    "check_effects",
    "check_step",
    "effect_checks",
    "state_invariants",
    "step_invariants",
]
