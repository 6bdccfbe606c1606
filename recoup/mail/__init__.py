"""The mailbox: everything between the collections mailbox and the ledger.

Inbound: ``imap_source`` (IMAP with IDLE and UID checkpoints) or
``maildir_source`` (the embedded default) hands raw bytes to ``ingest``, which
parses them (``parse``, ``text``, ``autoreply``, ``bounce``), finds the account
(``match``), stores the message and wakes the agent.

Outbound: ``outbox`` delivers the queued Message rows exactly once, rendered
by ``compose``, through a transport (``transports``: SMTP, maildir, memory),
and keeps a copy in the Sent folder. ``undeliverable`` marks addresses that
bounce or are refused.

Nothing here decides what to say: that is the agent's job.
"""
