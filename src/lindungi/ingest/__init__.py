"""Import, validate, deduplicate and link worker lists (DTKS, villages, employers, sponsors)."""
