"""Domain operations more than one part needs: schedule a follow-up, open an
escalation, log a promise, open a dispute.

Plain functions over a session, the account, the time and the actor. The
agent's tools wrap them; mail ingest and the agent loop call them directly.
Each writes its audit event; the caller commits.
"""
