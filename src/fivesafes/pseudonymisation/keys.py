"""The key hierarchy of pseudonyms: one master secret in a key store; per project and identifier
kind a key derived from it with HKDF-SHA256. Keys never print themselves (repr hides the bytes),
so they cannot reach a log, an error message or an audit payload by accident.

A key store only hands out the master secret's derived keys; `FileKeyStore` keeps the secret in
a file readable by its owner only, `EnvironmentKeyStore` reads it from an environment variable.
An HSM or a cloud KMS would implement the same `KeyStore.derive` (deriving inside the device).
"""

from __future__ import annotations

import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SECRET_BYTES = 32
KEY_BYTES = 16  # AES-128 keys for the permutation's round function
SCHEME = "fivesafes-pseudonym-v1"


class KeyStoreError(Exception):
    """The key store cannot give a key (missing, unreadable or malformed secret); never
    carries the secret itself."""


@dataclass(frozen=True)
class PseudonymKey:
    """A derived key: the project, the identifier kind and the purpose it is for, and its
    bytes (never shown)."""

    project: str
    kind: str
    purpose: str
    material: bytes = field(repr=False)

    def __str__(self) -> str:
        return f"key for {self.purpose} of {self.kind} in project {self.project}"


def _info(project: str, kind: str, purpose: str) -> bytes:
    for name, value in (("project", project), ("kind", kind), ("purpose", purpose)):
        if not value or "/" in value:
            raise KeyStoreError(f"The {name} of a pseudonym key must be non-empty without '/'.")
    return f"{SCHEME}/{purpose}/{project}/{kind}".encode()


def derive_key(secret: bytes, project: str, kind: str, purpose: str = "pseudonym") -> PseudonymKey:
    """HKDF-SHA256 over the master secret with the scheme, purpose, project and kind as info:
    keys of different projects, kinds or purposes are independent."""
    if len(secret) < SECRET_BYTES:
        raise KeyStoreError(f"The master secret must be at least {SECRET_BYTES} bytes.")
    info = _info(project, kind, purpose)
    material = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(
        secret
    )
    return PseudonymKey(project=project, kind=kind, purpose=purpose, material=material)


class KeyStore(Protocol):
    """Where the master secret lives; gives derived keys, never the secret."""

    def derive(self, project: str, kind: str, purpose: str = "pseudonym") -> PseudonymKey: ...

    def describe(self) -> str: ...


class FileKeyStore:
    """The master secret in a file readable by its owner only (created on first use when
    `create` is true, as in development; production provisions it)."""

    def __init__(self, path: Path, *, create: bool = False) -> None:
        self.path = Path(path)
        self.create = create

    def describe(self) -> str:
        return f"file key store at {self.path}"

    def _secret(self) -> bytes:
        if not self.path.exists():
            if not self.create:
                raise KeyStoreError(f"No pseudonym master secret at {self.path}.")
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(SECRET_BYTES))
        mode = stat.S_IMODE(self.path.stat().st_mode)
        if mode & 0o077:
            raise KeyStoreError(
                f"The pseudonym master secret {self.path} is readable by others "
                f"(mode {mode:o}); make it 600."
            )
        return _decode(self.path.read_text().strip(), str(self.path))

    def derive(self, project: str, kind: str, purpose: str = "pseudonym") -> PseudonymKey:
        return derive_key(self._secret(), project, kind, purpose)


class EnvironmentKeyStore:
    """The master secret as hex in an environment variable."""

    def __init__(self, variable: str = "FIVESAFES_PSEUDONYM_SECRET") -> None:
        self.variable = variable

    def describe(self) -> str:
        return f"environment key store ({self.variable})"

    def derive(self, project: str, kind: str, purpose: str = "pseudonym") -> PseudonymKey:
        value = os.environ.get(self.variable, "").strip()
        if not value:
            raise KeyStoreError(f"The environment variable {self.variable} is not set.")
        return derive_key(_decode(value, self.variable), project, kind, purpose)


def _decode(text: str, where: str) -> bytes:
    try:
        secret = bytes.fromhex(text)
    except ValueError:
        raise KeyStoreError(f"The pseudonym master secret in {where} is not hex.") from None
    if len(secret) < SECRET_BYTES:
        raise KeyStoreError(
            f"The pseudonym master secret in {where} is shorter than {SECRET_BYTES} bytes."
        )
    return secret
