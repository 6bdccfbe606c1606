"""The agent: the loop that works one account, its model clients and the runner."""
