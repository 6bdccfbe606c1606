"""The policy and the rules that check every tool call before it runs."""
