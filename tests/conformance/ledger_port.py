"""A partial Python driver for the partial-port tests: the reference behind a ledger-only declaration.

:class:`LedgerOnly` declares the ledger mechanism's operations and fields and projects only those fields, so
a vector that needed anything else would fail rather than pass; :class:`LedgerOnlyRoundsDaysUp` adds the
day-rounding bug, to show that the owned-field comparison still catches it.
"""

from __future__ import annotations

from properties.conformance.drivers import ReferenceDriver, Unsupported
from properties.conformance.itf import encode
from properties.conformance.mechanisms import port_fields, port_operations
from properties.conformance.projection import project, restrict
from tests.conformance.buggy_impl import ClaimDayRoundsUp


class LedgerOnly(ReferenceDriver):
    name = "ledger only (reference)"
    operations = port_operations("ledger")
    fields = port_fields("ledger")

    def apply(self, operation):
        if type(operation).__name__ not in self.operations:
            raise Unsupported(f"{type(operation).__name__} is not in the ledger port")
        return super().apply(operation)

    def project(self):
        return restrict(encode(project(self.state)), frozenset(self.fields))


class LedgerOnlyRoundsDaysUp(LedgerOnly, ClaimDayRoundsUp):
    name = "ledger only, days rounded up"
