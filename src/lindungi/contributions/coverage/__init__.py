"""Due dates, lapse and coverage status; the paid-through month kept as payments post.

rules: pure readings of the rule tables (`assess`, `due_date`); services: `paid_through_refresh`
(set-based); selectors: `coverage_on`, `coverage_for_nik`, `payment_rules`; sample: test
fixtures. Readings, sources and where payments and billing call in: docs/coverage.md.
"""
