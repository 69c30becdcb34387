"""Differential fuzzing (``icnspec conform --fuzz``): reference and implementation side by side.

Hypothesis draws a genesis (default or fast), an optional setup prefix (each of its operations can be
dropped while shrinking) and a sequence of operations chosen
from the current reference state (:mod:`properties.conformance.explore`). Every operation goes to both the
reference and the implementation; outcomes and events are compared at every step and the projected state at
the end of each example. On the first divergence Hypothesis shrinks the example (fewer, simpler operations)
and the shrunk sequence is written as an ordinary conformance vector (expected results from the reference),
so it can be replayed with ``icnspec conform --vectors FILE`` and kept as a regression test.

Selection: ``operations`` (``--mechanism``, ``--operations`` and the implementation's own declaration)
limits the setup prefix and the random steps to those operations; the projected state is compared on the
implementation's declared fields only, and an implementation that skips ``negative-input`` vectors is never
sent a negative input. The reference is the ``spec/`` running here: the command line names it (its SHA-256)
and warns when that ``spec/`` differs from its git commit.
"""

from __future__ import annotations

from typing import Any

import attrs

from properties import runtime
from properties.conformance.drivers import AdapterError, Session, Unsupported
from properties.conformance.explore import HypothesisChooser, propose_operation, setup_operations, walk_genesis
from properties.conformance.itf import encode
from properties.conformance.profile import (
    NEGATIVE_INPUT,
    Vector,
    describe_operation,
    genesis_value,
    normalize_spec_events,
    write_trace,
)
from properties.conformance.projection import hash_encoded, project, restrict
from spec.genesis import GenesisConfig, build_genesis
from spec.operations import Operation
from spec.transition import apply


class FuzzDivergence(AssertionError):
    """Reference and implementation disagree (raised inside Hypothesis so that it shrinks)."""


@attrs.define
class FuzzResult:
    examples: int
    steps: int
    divergence: str = ""
    vector_path: str = ""
    operations: int = 0
    operations_drawn: frozenset[str] | None = None
    """The operations the examples could draw (``None``: every operation)."""
    status: str = "complete"
    """``interrupted`` when SIGINT/SIGTERM stopped it (a divergence found before is still written, unshrunk
    as far as shrinking got)."""


def genesis_vector(genesis: GenesisConfig) -> Vector:
    """A vector with no steps: what :meth:`Session.reset` needs."""
    return Vector("fuzz", genesis, encode(genesis_value(genesis)), [], None, None, {})


def run_fuzz(session: Session, examples: int = 200, max_steps: int = 30, seed: int = 0,
             out_path: str = "fuzz-divergence.itf.json", restart: Any = None,
             operations: frozenset[str] | None = None) -> FuzzResult:
    """Fuzz ``session`` (already started) against the reference, drawing only ``operations`` (``None``: the
    implementation's declared operations, else all); write the shrunk divergence to ``out_path``."""
    from hypothesis import HealthCheck, Phase, Verbosity, given, settings, strategies
    from hypothesis import seed as hypothesis_seed

    counters = {"examples": 0, "steps": 0}
    last: dict[str, Any] = {}
    declaration = session.declaration
    if declaration.operations is not None:
        operations = declaration.operations if operations is None else operations & declaration.operations
    fields = declaration.fields
    signed = NEGATIVE_INPUT not in declaration.skip_tags

    @hypothesis_seed(seed)
    @settings(max_examples=examples, deadline=None, database=None, derandomize=False, verbosity=Verbosity.quiet,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate, Phase.shrink], print_blob=False,
              report_multiple_bugs=False)
    @given(strategies.data())
    def check(data: Any) -> None:
        counters["examples"] += 1
        chooser = HypothesisChooser(data, signed)
        genesis = walk_genesis(fast=data.draw(strategies.booleans()))
        reference = build_genesis(genesis)
        applied: list[Operation] = []
        prefix = []
        if data.draw(strategies.booleans()):
            # each setup operation is kept 9 times in 10, so that shrinking can drop the ones not needed
            for op in setup_operations(reference):
                if operations is not None and type(op).__name__ not in operations:
                    continue
                if data.draw(strategies.integers(0, 9)) > 0:
                    prefix.append(op)
        step_count = data.draw(strategies.integers(1, max_steps))
        try:
            session.reset(genesis_vector(genesis))
            for index in range(len(prefix) + step_count):
                op = prefix[index] if index < len(prefix) else propose_operation(reference, chooser, operations)
                applied.append(op)
                expected = apply(reference, op)
                actual = session.apply_operation(op)
                counters["steps"] += 1
                expected_reason = expected.reason.value if expected.reason is not None else None
                if (actual.accepted, actual.reason) != (expected.accepted, expected_reason) or \
                        actual.events != normalize_spec_events(expected.events):
                    want = "accepted" if expected.accepted else f"rejected {expected_reason}"
                    got = "accepted" if actual.accepted else f"rejected {actual.reason}"
                    fail(genesis, applied, f"step {index + 1} {describe_operation(op)}: expected {want}, got {got}"
                         + ("" if want != got else " (events differ)"))
            actual_state = restrict(session.project(), fields)
            if hash_encoded(actual_state) != hash_encoded(restrict(encode(project(reference)), fields)):
                fail(genesis, applied, f"projected state differs after {len(applied)} steps")
        except Unsupported as answer:
            name = type(applied[-1]).__name__ if applied else "?"
            fail(genesis, applied, f"implementation answered 'unsupported' for {name}: {answer}")
        except AdapterError as error:
            if restart is not None:
                restart()
            fail(genesis, applied, f"implementation error: {error}")

    def fail(genesis: GenesisConfig, operations: list[Operation], message: str) -> None:
        last["genesis"], last["operations"], last["message"] = genesis, list(operations), message
        raise FuzzDivergence(message)

    status = runtime.COMPLETE
    try:
        check()
    except FuzzDivergence:
        pass
    except runtime.Interrupted:
        status = runtime.INTERRUPTED
    if last:
        with runtime.deferring_signals(reraise=False):
            write_trace(out_path, last["genesis"], last["operations"], generator="fuzz", seed=seed,
                        description=f"shrunk by Hypothesis from a differential fuzz divergence: {last['message']}")
        return FuzzResult(counters["examples"], counters["steps"], last["message"], out_path, len(last["operations"]),
                          operations, status)
    return FuzzResult(counters["examples"], counters["steps"], operations_drawn=operations, status=status)
