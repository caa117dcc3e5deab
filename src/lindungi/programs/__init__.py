"""Sponsored protection programmes: sponsors, budgets, planning, selection, enrolment."""
