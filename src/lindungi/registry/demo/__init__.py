"""A realistic synthetic Kalimantan population for demos, tests and benchmarks.

`generate(workers=N, seed=S, ctx=context_from_db())` returns plain numpy columns (nothing is
written); `demo.service.demo_generate` has `registry.bulk.bulk_load` encrypt and load them.
Everything is vectorised and drawn from numpy Generators seeded by `seed`, so the same seed and
reference data give the same people, names and NIKs.
"""

from lindungi.registry.demo.context import DEMO_AS_OF, Context, context_from_db
from lindungi.registry.demo.generator import generate
from lindungi.registry.demo.tables import DemoSet, Table

__all__ = ["DEMO_AS_OF", "Context", "DemoSet", "Table", "context_from_db", "generate"]
