"""The one access policy every view and API endpoint passes (R1, R8-R10, R24).

Roles are named bundles of permissions (`permissions.py`, data). Each route declares its rule
with a decorator (`decorators.py`); the middleware refuses any route without one. `checks.py`
holds the `check_*` functions that raise with a reason and the `can_*` twins that answer yes/no.
"""
