"""QuickBooks Online: query + Change Data Capture reads, webhooks, Attachable notes."""
