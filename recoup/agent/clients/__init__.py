"""Model clients: one interface, several ways to answer (OpenAI-compatible, offline, replay)."""
