"""Payments: recording, bank statement imports, allocation to invoice lines, the payer ledger.

Services are in `services` (payment_record, payment_import, payment_match, payment_reverse,
payer_allocate_credit, payers_allocate_credit), reads in `selectors`.
"""
