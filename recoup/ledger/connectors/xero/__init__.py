"""Xero: If-Modified-Since paged reads, webhooks, History & Notes write-back."""
