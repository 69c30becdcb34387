"""A worker plugin for the cluster tests: a seeded protocol bug in every worker of the cluster, including
the workers the nanny starts again after one is killed (the scheduler hands registered plugins to every
worker that joins). Imported only once Dask distributed is known to be installed."""

from __future__ import annotations

import contextlib

from distributed.diagnostics.plugin import WorkerPlugin


class MutantPlugin(WorkerPlugin):
    """The reference with the corpus bug ``mutant_id`` (properties/mutants/corpus.py) in the worker."""

    name = "icnspec-test-mutant"

    def __init__(self, mutant_id: str) -> None:
        self.mutant_id = mutant_id
        self._applied: contextlib.ExitStack | None = None

    def setup(self, worker) -> None:
        from properties.mutants.corpus import get_mutant

        self._applied = contextlib.ExitStack()
        self._applied.enter_context(get_mutant(self.mutant_id).applied())

    def teardown(self, worker) -> None:
        if self._applied is not None:
            self._applied.close()
