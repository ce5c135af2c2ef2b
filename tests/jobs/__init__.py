"""Tests of background jobs, the worker and the health check."""
