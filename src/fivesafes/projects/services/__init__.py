"""Services of safe projects: every state change runs here, in one transaction with its audit event."""
