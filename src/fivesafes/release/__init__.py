"""Safe outputs (process 5, R21, R22, R24): release requests, automatic checks, two checkers,
the release log, the five-minute batches and withdrawal on breach."""
