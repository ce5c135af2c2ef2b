"""The key hierarchy and the key stores: derivation is deterministic and separated by project,
kind, purpose and secret; names that could blur the separation are refused; no key or secret
bytes appear in any repr, str or error message; the file store keeps its secret private."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import numpy as np
import pytest

from fivesafes.pseudonymisation import (
    EnvironmentKeyStore,
    FileKeyStore,
    KeyStoreError,
    Pseudonymiser,
    PseudonymKey,
    derive_key,
)
from fivesafes.pseudonymisation.keys import KEY_BYTES, SECRET_BYTES

SECRET_HEX = "9f8e7d6c5b4a39281706f5e4d3c2b1a00112233445566778899aabbccddeeff0"
SECRET = bytes.fromhex(SECRET_HEX)


def shows_nothing_secret(text: str, *secrets: bytes) -> bool:
    """No secret appears in `text`, as hex (either case), in part (16 hex digits) or raw."""
    lowered = text.lower()
    for secret in secrets:
        hexed = secret.hex()
        parts = [hexed[i : i + 16] for i in range(0, len(hexed) - 15, 8)]
        if any(part in lowered for part in parts) or repr(secret) in text:
            return False
    return True


def test_derivation_is_deterministic_and_separated() -> None:
    key = derive_key(SECRET, "P-2026-001", "person")
    assert key == derive_key(SECRET, "P-2026-001", "person")
    assert len(key.material) == KEY_BYTES == 32
    others = [
        derive_key(SECRET, "P-2026-002", "person"),
        derive_key(SECRET, "P-2026-001", "family"),
        derive_key(SECRET, "P-2026-001", "person", "sample"),
        derive_key(bytes(reversed(SECRET)), "P-2026-001", "person"),
        # the separator cannot be moved to make two triples meet
        derive_key(SECRET, "P-2026-001.person", "x"),
    ]
    assert len({key.material, *(other.material for other in others)}) == len(others) + 1


@pytest.mark.parametrize(
    ("project", "kind", "purpose", "message"),
    [
        ("", "person", "pseudonym", "project of a pseudonym key must be non-empty"),
        ("P-1/person", "x", "pseudonym", "project of a pseudonym key may not contain '/'"),
        ("P-1", "per/son", "pseudonym", "kind of a pseudonym key may not contain '/'"),
        ("P-1", "person", "", "purpose of a pseudonym key must be non-empty"),
        (" P-1", "person", "pseudonym", "without spaces around it"),
        ("P-1", "person\n", "pseudonym", "without spaces around it"),
        ("P-\x001", "person", "pseudonym", "control characters"),
        (2026001, "person", "pseudonym", "project of a pseudonym key must be text, not int"),
    ],
)
def test_malformed_names_are_refused(
    project: object, kind: str, purpose: str, message: str
) -> None:
    with pytest.raises(KeyStoreError, match=message):
        derive_key(SECRET, project, kind, purpose)  # type: ignore[arg-type]


def test_short_or_non_byte_secrets_are_refused() -> None:
    with pytest.raises(KeyStoreError, match="at least 32 bytes"):
        derive_key(SECRET[:31], "P-1", "person")
    with pytest.raises(KeyStoreError, match="must be bytes"):
        derive_key(SECRET_HEX, "P-1", "person")  # type: ignore[arg-type]


def test_keys_never_show_their_bytes(caplog: pytest.LogCaptureFixture) -> None:
    key = derive_key(SECRET, "P-2026-001", "person")
    pseudonymiser = Pseudonymiser(key)
    texts = [repr(key), str(key), f"{key}", f"{key!r}", repr(pseudonymiser), str(pseudonymiser)]
    texts.append(key.fingerprint)
    with caplog.at_level(logging.INFO):
        logging.getLogger("fivesafes.test").info("key %s %r %s", key, key, pseudonymiser)
    texts.append(caplog.text)
    assert "P-2026-001" in repr(key) and "person" in str(key)
    for text in texts:
        assert shows_nothing_secret(text, key.material, SECRET), text
    assert len(key.fingerprint) == 16


def test_a_key_of_the_wrong_size_is_refused_without_showing_it() -> None:
    material = bytes(range(100, 116))
    with pytest.raises(KeyStoreError) as caught:
        PseudonymKey("P-1", "person", "pseudonym", material)
    assert shows_nothing_secret(str(caught.value), material)


def test_errors_never_show_the_secret(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad_secrets = [
        SECRET_HEX[:40],  # short
        SECRET_HEX[:-1] + "g",  # one non-hex digit
        "secret: " + SECRET_HEX,  # a label in front
        SECRET_HEX[:32] + " zz " + SECRET_HEX[32:],
    ]
    messages = []
    for number, text in enumerate(bad_secrets):
        path = tmp_path / f"key{number}"
        path.write_text(text)
        path.chmod(0o600)
        with pytest.raises(KeyStoreError) as caught:
            FileKeyStore(path).derive("P-1", "person")
        messages.append(str(caught.value))
        monkeypatch.setenv("TEST_SECRET", text)
        with pytest.raises(KeyStoreError) as caught:
            EnvironmentKeyStore("TEST_SECRET").derive("P-1", "person")
        messages.append(str(caught.value))
    for message in messages:
        assert "pseudonym master secret" in message
        assert shows_nothing_secret(message, SECRET), message
        assert SECRET_HEX[:40] not in message and SECRET_HEX[-20:] not in message
    assert "shorter than 32 bytes (64 hexadecimal digits)" in messages[0]
    assert "is not hexadecimal digits" in messages[2]


def test_file_store_creates_a_private_secret_once(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "pseudonym-master.key"
    store = FileKeyStore(path, create=True)
    key = store.derive("P-2026-001", "person")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert len(bytes.fromhex(path.read_text().strip())) == SECRET_BYTES
    assert key == derive_key(bytes.fromhex(path.read_text()), "P-2026-001", "person")
    # a second store, or a second creation, keeps the first secret
    assert FileKeyStore(path, create=True).derive("P-2026-001", "person") == key
    FileKeyStore(path, create=True)._create()
    assert FileKeyStore(path).derive("P-2026-001", "person") == key
    assert sorted(p.name for p in path.parent.iterdir()) == ["pseudonym-master.key"]
    assert str(path) in store.describe()


def test_two_created_secrets_differ(tmp_path: Path) -> None:
    first = FileKeyStore(tmp_path / "a", create=True).derive("P-1", "person")
    second = FileKeyStore(tmp_path / "b", create=True).derive("P-1", "person")
    assert first != second


def test_file_store_without_create_refuses_a_missing_secret(tmp_path: Path) -> None:
    path = tmp_path / "missing.key"
    with pytest.raises(KeyStoreError, match="No pseudonym master secret at"):
        FileKeyStore(path).derive("P-1", "person")
    assert not path.exists()


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660, 0o602, 0o610])
def test_file_store_refuses_a_secret_open_to_others(tmp_path: Path, mode: int) -> None:
    path = tmp_path / "master.key"
    path.write_text(SECRET_HEX)
    path.chmod(mode)
    with pytest.raises(
        KeyStoreError, match=f"open to other users \\(mode {mode:o}\\); make it 600"
    ):
        FileKeyStore(path).derive("P-1", "person")
    path.chmod(0o400)  # owner-only read is fine
    assert FileKeyStore(path).derive("P-1", "person") == derive_key(SECRET, "P-1", "person")


def test_file_store_refuses_a_folder_and_checks_the_file_a_link_points_to(tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir(mode=0o700)
    with pytest.raises(KeyStoreError, match="is not a file"):
        FileKeyStore(tmp_path / "folder").derive("P-1", "person")
    target = tmp_path / "target.key"
    target.write_text(SECRET_HEX)
    target.chmod(0o644)
    (tmp_path / "link.key").symlink_to(target)
    with pytest.raises(KeyStoreError, match="open to other users"):
        FileKeyStore(tmp_path / "link.key").derive("P-1", "person")


def test_file_store_refuses_a_secret_of_one_repeated_byte(tmp_path: Path) -> None:
    path = tmp_path / "master.key"
    path.write_text("00" * 32)
    path.chmod(0o600)
    with pytest.raises(KeyStoreError, match="repeats one byte; generate it randomly"):
        FileKeyStore(path).derive("P-1", "person")


def test_file_store_reports_an_unreadable_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fivesafes.pseudonymisation.keys as keys_module

    path = tmp_path / "master.key"
    path.write_text(SECRET_HEX)
    path.chmod(0o600)
    real_open = os.open

    def refusing_open(name: object, flags: int, *args: object) -> int:
        if Path(str(name)) == path and not flags & os.O_WRONLY:
            raise PermissionError(13, "Permission denied")  # as for a user without read access
        return real_open(name, flags, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(keys_module.os, "open", refusing_open)
    with pytest.raises(KeyStoreError, match=r"cannot be read \(Permission denied\)") as refusal:
        FileKeyStore(path).derive("P-1", "person")
    assert SECRET_HEX not in str(refusal.value)


def test_environment_store(monkeypatch: pytest.MonkeyPatch) -> None:
    store = EnvironmentKeyStore()
    monkeypatch.delenv("FIVESAFES_PSEUDONYM_SECRET", raising=False)
    with pytest.raises(KeyStoreError, match="FIVESAFES_PSEUDONYM_SECRET is not set"):
        store.derive("P-1", "person")
    monkeypatch.setenv("FIVESAFES_PSEUDONYM_SECRET", "  ")
    with pytest.raises(KeyStoreError, match="is not set"):
        store.derive("P-1", "person")
    monkeypatch.setenv("FIVESAFES_PSEUDONYM_SECRET", f" {SECRET_HEX.upper()}\n")
    key = store.derive("P-1", "person", "sample")
    assert key == derive_key(SECRET, "P-1", "person", "sample")
    assert "FIVESAFES_PSEUDONYM_SECRET" in store.describe()
    assert SECRET_HEX not in store.describe().lower()


def test_stores_give_the_same_pseudonyms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "master.key"
    path.write_text(SECRET_HEX + "\n")
    path.chmod(0o600)
    monkeypatch.setenv("OTHER_SECRET", SECRET_HEX)
    ids = np.arange(100, dtype=np.int64)
    from_file = Pseudonymiser(FileKeyStore(path).derive("P-1", "enterprise")).apply(ids)
    from_env = Pseudonymiser(EnvironmentKeyStore("OTHER_SECRET").derive("P-1", "enterprise"))
    assert np.array_equal(from_file, from_env.apply(ids))
