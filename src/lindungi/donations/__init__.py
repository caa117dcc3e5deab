"""GN Lingkaran donations: pledges and donations into a pool, allocation, receipts, impact."""
