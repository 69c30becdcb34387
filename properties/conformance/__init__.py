"""Conformance kit: ITF test vectors of the reference, their JSON Schema, and a runner for any implementation.

Modules: :mod:`~properties.conformance.itf` (ITF values and traces), :mod:`~properties.conformance.projection`
(the projected state every implementation must reproduce), :mod:`~properties.conformance.mechanisms` (the
docs' chapters as units of conformance: each mechanism's operations and projected fields, for partial
ports), :mod:`~properties.conformance.profile` (the ICN profile of ITF: operations, outcomes, events,
genesis; :func:`~properties.conformance.profile.write_trace`), :mod:`~properties.conformance.schema`,
:mod:`~properties.conformance.scenarios`, :mod:`~properties.conformance.edges` and
:mod:`~properties.conformance.explore` (what the vectors contain), :mod:`~properties.conformance.generator`,
:mod:`~properties.conformance.drivers` (the Python driver API and the JSON-lines subprocess protocol),
:mod:`~properties.conformance.wire` (strict reading of what an implementation sends),
:mod:`~properties.conformance.diff` (state differences), :mod:`~properties.conformance.adapter`,
:mod:`~properties.conformance.runner` and :mod:`~properties.conformance.fuzz`; every reader of outside data
goes through :mod:`~properties.conformance.reading` (stated limits, one-line errors), and
:mod:`~properties.conformance.admissible` states which genesis a vector may start from. ``FORMAT.md`` beside
this file documents the format and protocols (:mod:`~properties.conformance.format_doc` reads its tables); the
docs page *The wire* renders it.
"""
