"""The services of safe people: keyword-only functions that check, change and audit, atomically.

Views and the API call these; they never change state themselves. A refusal raises
`RuleViolation` (a rule of the office, named) or `AccessDenied` (the person's role), and
leaves the database and the audit log as they were.
"""
