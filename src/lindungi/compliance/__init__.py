"""Employer compliance: cross-checks, findings, cases and letters under PP 86/2013."""
