"""Tests of safe people: rules, services, the access rule, pages and API."""
