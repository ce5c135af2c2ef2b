"""Project-specific pseudonyms (R14), free of Django: keys derived per project and identifier
kind from a master secret behind a key store, and a keyed 62-bit permutation that turns
identifiers into pseudonyms (and back, for the audited two-person staff operation).

See docs/delivery/pseudonymisation.md for the algorithm, the key hierarchy and the security
argument.
"""

from fivesafes.pseudonymisation.keys import (
    EnvironmentKeyStore,
    FileKeyStore,
    KeyStore,
    KeyStoreError,
    PseudonymKey,
    derive_key,
)
from fivesafes.pseudonymisation.pseudonyms import (
    MAX_IDENTIFIER,
    CollisionError,
    Pseudonymiser,
    verify_distinct,
)

__all__ = [
    "MAX_IDENTIFIER",
    "CollisionError",
    "EnvironmentKeyStore",
    "FileKeyStore",
    "KeyStore",
    "KeyStoreError",
    "PseudonymKey",
    "Pseudonymiser",
    "derive_key",
    "verify_distinct",
]
