"""Payer statements (rekening koran iuran): a period of a payer's ledger, as data, PDF or XLSX."""
