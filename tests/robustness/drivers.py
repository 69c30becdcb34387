"""Misbehaving Python drivers (``--impl tests.robustness.drivers:NAME``): the reference, but for one answer of a
shape the driver API does not allow. Each must cost its vector an error with a reason, never the run."""

from __future__ import annotations

from properties.conformance.drivers import ReferenceDriver


class OutcomeWithoutBoolean(ReferenceDriver):
    def apply(self, operation):
        super().apply(operation)
        return {"accepted": "yes", "reason": None, "events": []}


class EventsNotAList(ReferenceDriver):
    def apply(self, operation):
        outcome = super().apply(operation)
        return {"accepted": outcome.accepted, "reason": outcome.reason, "events": 5}


class StateNestedTooDeep(ReferenceDriver):
    def project(self):
        value: object = 0
        for _ in range(200):
            value = [value]
        return {"era": value}


class StateWithAHugeInteger(ReferenceDriver):
    def project(self):
        state = super().project()
        state["era"] = 10**200
        return state


class StateThatContainsItself(ReferenceDriver):
    def project(self):
        loop: list = []
        loop.append(loop)
        return {"era": loop}


class StateOfObjects(ReferenceDriver):
    def project(self):
        return {"era": object()}
