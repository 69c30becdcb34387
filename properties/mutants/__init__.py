"""Seeded protocol bugs (mutants) applied to the reference at run time, and the machinery that
measures whether the checkers catch them. See :mod:`properties.mutants.corpus`."""
