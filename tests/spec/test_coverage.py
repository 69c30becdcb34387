"""Meta-tests: the spec tests cover every operation's accepted path and every rejection reason.

Each mechanism's module lists its rejection cases in ``REJECTIONS`` (run through ``apply`` by its own
parametrized test, which also checks the state is unchanged) and marks accepted-path tests with
``@accepted_path``. These checks read the modules, not the test run, so they hold whichever tests are
selected.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import tests.spec
from spec.operations import OPERATION_TYPES
from spec.reasons import Reason
from spec.transition import HANDLERS, NEVER_ACCEPTED
from tests.spec.helpers import RejectionCase


def load_test_modules() -> list[ModuleType]:
    modules = []
    for info in sorted(pkgutil.iter_modules(tests.spec.__path__), key=lambda info: info.name):
        if info.name.startswith("test_") and info.name != "test_coverage":
            modules.append(importlib.import_module(f"tests.spec.{info.name}"))
    return modules


def collect_rejection_cases() -> list[RejectionCase]:
    cases: list[RejectionCase] = []
    for module in load_test_modules():
        cases.extend(getattr(module, "REJECTIONS", []))
    return cases


def collect_marked(attribute: str) -> dict[type, list[str]]:
    marked: dict[type, list[str]] = {}
    for module in load_test_modules():
        for name in sorted(vars(module)):
            test = getattr(module, name)
            for operation_type in getattr(test, attribute, ()):
                marked.setdefault(operation_type, []).append(f"{module.__name__}.{name}")
    return marked


def test_every_operation_has_a_handler():
    assert set(HANDLERS) == set(OPERATION_TYPES)
    assert set(NEVER_ACCEPTED) <= set(OPERATION_TYPES)


def test_every_reason_is_produced_by_a_rejection_case():
    produced = {rejection.reason for rejection in collect_rejection_cases()}
    missing = sorted(reason.name for reason in Reason if reason not in produced)
    assert missing == [], f"no rejection case produces {missing}"


def test_rejection_case_names_are_unique_across_modules():
    names = [rejection.name for rejection in collect_rejection_cases()]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    assert duplicates == []


def test_every_operation_has_an_accepted_path_test():
    marked = collect_marked("accepted_operations")
    expected = [operation for operation in OPERATION_TYPES if operation not in NEVER_ACCEPTED]
    missing = [operation.__name__ for operation in expected if operation not in marked]
    assert missing == [], f"no accepted-path test for {missing}"
    wrongly_accepted = [operation.__name__ for operation in NEVER_ACCEPTED if operation in marked]
    assert wrongly_accepted == []


def test_every_never_accepted_operation_has_a_rejected_everywhere_test():
    marked = collect_marked("never_accepted_operations")
    missing = [operation.__name__ for operation in NEVER_ACCEPTED if operation not in marked]
    assert missing == []
