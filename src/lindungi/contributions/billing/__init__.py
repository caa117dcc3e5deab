"""Monthly billing: one invoice per payer per run, a line per membership and programme.

plan: the month's rates as exact integer coefficients; sql: the run as set-based statements;
progress: counters the web reads while a run works; services: request and execute runs;
selectors: runs and invoices as the actor may see them.
"""
