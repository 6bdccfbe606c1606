"""What the ERP connectors share: their tables, the sync engine, the write-back queue,
OAuth grants, the rate limiter and the webhook receiver."""
