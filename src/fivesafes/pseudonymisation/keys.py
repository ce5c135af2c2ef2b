"""The key hierarchy of pseudonyms: one master secret in a key store; per project, identifier
kind and purpose a 256-bit key derived from it with HKDF-SHA256. Keys never print themselves
(repr and str hide the bytes), so they cannot reach a log, an error message or an audit payload
by accident; `PseudonymKey.fingerprint` is what may be recorded instead.

A key store only hands out the master secret's derived keys; `FileKeyStore` keeps the secret in
a file readable by its owner only, `EnvironmentKeyStore` reads it from an environment variable.
An HSM or a cloud KMS would implement the same `KeyStore.derive` (deriving inside the device).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SECRET_BYTES = 32  # the master secret: 256 bits from a CSPRNG
KEY_BYTES = 32  # AES-256 keys for the permutation's round function
# The scheme version is part of every derivation: a new version of the algorithm or of the
# derivation gets a new name here, and with it keys independent of every earlier one.
SCHEME = "fivesafes-pseudonym-v1"


class KeyStoreError(Exception):
    """The key store cannot give a key (missing, unreadable or malformed secret, or a malformed
    project, kind or purpose); never carries the secret itself."""


@dataclass(frozen=True)
class PseudonymKey:
    """A derived key: the project, the identifier kind and the purpose it is for, and its
    bytes (never shown)."""

    project: str
    kind: str
    purpose: str
    material: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.material, bytes) or len(self.material) != KEY_BYTES:
            raise KeyStoreError(f"A pseudonym key must be {KEY_BYTES} bytes.")

    def __str__(self) -> str:
        return f"key for {self.purpose} of {self.kind} in project {self.project}"

    @property
    def fingerprint(self) -> str:
        """16 hex digits that name this key without revealing it (a hash of the key under its
        own label): recorded with a delivery, it shows whether two deliveries of a project used
        the same key, so a changed master secret cannot silently break their linkage."""
        digest = hashlib.sha256(b"fivesafes-pseudonym-key-fingerprint\x00" + self.material)
        return digest.hexdigest()[:16]


def _info(project: str, kind: str, purpose: str) -> bytes:
    """The HKDF info: scheme, purpose, project and kind joined by '/', which none of them may
    contain, so that different triples can never give the same info."""
    for name, value in (("project", project), ("kind", kind), ("purpose", purpose)):
        if not isinstance(value, str):
            raise KeyStoreError(
                f"The {name} of a pseudonym key must be text, not {type(value).__name__}."
            )
        if not value or value != value.strip():
            raise KeyStoreError(
                f"The {name} of a pseudonym key must be non-empty, without spaces around it."
            )
        if "/" in value or not value.isprintable():
            raise KeyStoreError(
                f"The {name} of a pseudonym key may not contain '/' or control characters."
            )
    return f"{SCHEME}/{purpose}/{project}/{kind}".encode()


def derive_key(secret: bytes, project: str, kind: str, purpose: str = "pseudonym") -> PseudonymKey:
    """HKDF-SHA256 (RFC 5869) over the master secret with the scheme, purpose, project and kind
    as info: keys of different projects, kinds, purposes or scheme versions are independent.
    No salt: the secret is already uniformly random (see docs/delivery/pseudonymisation.md)."""
    if not isinstance(secret, bytes | bytearray):
        raise KeyStoreError("The master secret must be bytes.")
    if len(secret) < SECRET_BYTES:
        raise KeyStoreError(f"The master secret must be at least {SECRET_BYTES} bytes.")
    info = _info(project, kind, purpose)
    material = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(
        bytes(secret)
    )
    return PseudonymKey(project=project, kind=kind, purpose=purpose, material=material)


class KeyStore(Protocol):
    """Where the master secret lives; gives derived keys, never the secret."""

    def derive(self, project: str, kind: str, purpose: str = "pseudonym") -> PseudonymKey: ...

    def describe(self) -> str: ...


class FileKeyStore:
    """The master secret, as hex, in a file readable by its owner only (created on first use
    when `create` is true, as in development; production provisions it). The file is read on
    every derivation, so nothing keeps the secret in memory longer than one call."""

    def __init__(self, path: Path, *, create: bool = False) -> None:
        self.path = Path(path)
        self.create = create

    def describe(self) -> str:
        return f"file key store at {self.path}"

    def _create(self) -> None:
        """Write a new secret atomically: into a private temporary file, then hard-linked into
        place, which fails if another process got there first (then its secret is kept)."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{secrets.token_hex(8)}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_hex(SECRET_BYTES) + "\n")
                out.flush()
                os.fsync(out.fileno())
            with contextlib.suppress(FileExistsError):
                os.link(temporary, self.path)
        finally:
            temporary.unlink(missing_ok=True)

    def _secret(self) -> bytes:
        if not self.path.exists():
            if not self.create:
                raise KeyStoreError(f"No pseudonym master secret at {self.path}.")
            self._create()
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError as error:
            raise KeyStoreError(
                f"The pseudonym master secret {self.path} cannot be read ({error.strerror})."
            ) from None
        try:
            # Checked on the open file, so the file read is the file checked.
            status = os.fstat(fd)
            if not stat.S_ISREG(status.st_mode):
                raise KeyStoreError(f"The pseudonym master secret {self.path} is not a file.")
            mode = stat.S_IMODE(status.st_mode)
            if mode & 0o077:
                raise KeyStoreError(
                    f"The pseudonym master secret {self.path} is open to other users "
                    f"(mode {mode:o}); make it 600."
                )
            text = os.read(fd, 4096).decode("ascii", errors="replace")
        finally:
            os.close(fd)
        return _decode(text, str(self.path))

    def derive(self, project: str, kind: str, purpose: str = "pseudonym") -> PseudonymKey:
        return derive_key(self._secret(), project, kind, purpose)


class EnvironmentKeyStore:
    """The master secret as hex in an environment variable. Whatever starts a process with
    this variable must not pass it on to processes it spawns for researchers (give them an
    explicit environment); the file store is the one for production."""

    def __init__(self, variable: str = "FIVESAFES_PSEUDONYM_SECRET") -> None:
        self.variable = variable

    def describe(self) -> str:
        return f"environment key store ({self.variable})"

    def derive(self, project: str, kind: str, purpose: str = "pseudonym") -> PseudonymKey:
        value = os.environ.get(self.variable, "")
        if not value.strip():
            raise KeyStoreError(f"The environment variable {self.variable} is not set.")
        return derive_key(_decode(value, self.variable), project, kind, purpose)


def _decode(text: str, where: str) -> bytes:
    """The secret from its hex text; the messages say what is wrong, never what is there."""
    try:
        secret = bytes.fromhex(text.strip())
    except ValueError:
        raise KeyStoreError(
            f"The pseudonym master secret in {where} is not hexadecimal digits."
        ) from None
    if len(secret) < SECRET_BYTES:
        raise KeyStoreError(
            f"The pseudonym master secret in {where} is shorter than {SECRET_BYTES} bytes "
            f"({2 * SECRET_BYTES} hexadecimal digits)."
        )
    if len(set(secret)) == 1:
        raise KeyStoreError(
            f"The pseudonym master secret in {where} repeats one byte; generate it randomly."
        )
    return secret
