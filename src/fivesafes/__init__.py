"""fivesafes: secure access to register microdata."""
