"""Template filters of the audit log."""
