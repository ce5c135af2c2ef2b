"""Accounts: people who sign in, their roles, two-factor devices and personal API tokens (R10)."""
