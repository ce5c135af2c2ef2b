"""Safe projects: projects, applications, rule checks, decisions, quotes, change requests, closure."""
