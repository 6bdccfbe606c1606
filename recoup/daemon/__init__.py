"""`recoup run`: the mailbox loop, the outbox sender, the runner's schedule and
the health endpoint, in one asyncio process."""
