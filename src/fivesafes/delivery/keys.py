"""The pseudonym key store, built from the settings (R14).

`FIVESAFES_PSEUDONYM_KEYS` names where the master secret lives: `env:VARIABLE` for the
environment (`EnvironmentKeyStore`), a file path, or nothing for the file
`DATA_DIR/keys/pseudonym-master.key`. A file is created on first use outside production;
production provisions it (and refuses to run without it). The store hands out derived keys
only, and never prints them.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from fivesafes.pseudonymisation.keys import EnvironmentKeyStore, FileKeyStore, KeyStore

DEFAULT_VARIABLE = "FIVESAFES_PSEUDONYM_SECRET"


def default_path() -> Path:
    return Path(settings.DATA_DIR) / "keys" / "pseudonym-master.key"


def key_store() -> KeyStore:
    """The key store the settings name (see the module docstring)."""
    where = str(getattr(settings, "FIVESAFES_PSEUDONYM_KEYS", "") or "").strip()
    if where.startswith("env:"):
        return EnvironmentKeyStore(where.removeprefix("env:").strip() or DEFAULT_VARIABLE)
    path = Path(where) if where else default_path()
    return FileKeyStore(path, create=getattr(settings, "ENV", "demo") != "production")
