"""The rules that check every tool call against the policy and the ledger before it runs."""
