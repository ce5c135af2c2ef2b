"""The release pages: a researcher's requests and released files, a request with its checks,
the checkers' queue and review, the release log, and the one download route of the system."""
