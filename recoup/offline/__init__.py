"""recoup's built-in collections brain: reads the conversation, decides, composes.

It sees only what any model sees (the chat messages) and answers with tool
calls; ``recoup.agent.clients.offline`` wraps it as a ModelClient.
"""
