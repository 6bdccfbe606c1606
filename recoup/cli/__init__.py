"""The command line: `recoup ...`."""
