"""The agent's typed tools. Each acts on the one account its RunContext is bound to."""
