"""Shared by the conformance tests: pick vectors of the session's tree by path, run them through a runner."""

from __future__ import annotations

from properties.conformance.generator import list_vector_files
from properties.conformance.runner import Runner


def vector_paths(vectors_dir, *needles: str) -> list[str]:
    """Vector files of the ``vectors_dir`` fixture whose path contains one of ``needles``."""
    directory, _ = vectors_dir
    return [path for path in list_vector_files(str(directory)) if any(needle in path for needle in needles)]


def run_vectors(session, paths: list[str], **options) -> Runner:
    """Every vector of ``paths`` through a fresh :class:`Runner` (closed afterwards); returns the runner."""
    runner = Runner(session, "icnspec conform", **options)
    try:
        for path in paths:
            runner.run_vector(path)
    finally:
        runner.close()
    return runner
