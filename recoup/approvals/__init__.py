"""Escalations awaiting a person: the case they see, their decisions, and the
channels that carry both (Slack, a local web page, the command line)."""
