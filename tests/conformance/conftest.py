"""Shared fixtures: one full vectors tree per test session (generation is the slow part)."""

from __future__ import annotations

import pytest

from properties.conformance.generator import generate


@pytest.fixture(scope="session")
def vectors_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("vectors") / "A"
    manifest = generate(str(directory))
    return directory, manifest
