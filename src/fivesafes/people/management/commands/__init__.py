"""`fivesafes people_sweep`."""
