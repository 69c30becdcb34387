"""Fuzz campaigns and proof obligations on a cluster, through Dask distributed.

The work is cut exactly as on one machine: a fuzz campaign into the per-seed tasks of ``--jobs N``
(:func:`properties.fuzz.harness.worker_plan`, merged by :func:`~properties.fuzz.harness.merge_reports`),
a proof run into the units of :func:`properties.prove.run.plan_units`. Each task runs the same function a
local process would run (:func:`~properties.fuzz.harness.run_fuzz`, :func:`~properties.prove.run.run_unit`)
on some worker of the cluster; the scheduler re-queues the tasks of a worker that is lost, so the merged
report is the one-machine report for the same seeds. A fuzz task given ``--redis`` keeps its Hypothesis
examples (failures, their shrinking corpus, the targets' Pareto front) in a Redis server every machine
reaches (:mod:`properties.cluster.database`).

- :mod:`properties.cluster.engine`: the cluster address, connecting (or starting ``local:N``), running
  tasks and watching them (started, progress, finished, re-queued, lost).
- :mod:`properties.cluster.tasks`: what runs on a worker.
- :mod:`properties.cluster.fuzz`, :mod:`properties.cluster.prove`: the campaign and the proof run.
- :mod:`properties.cluster.options`: the ``--cluster`` and ``--redis`` options of ``icnspec fuzz`` and
  ``icnspec prove``.
"""
