"""The platform signing key: generated once into var/ (mode 600), or the operator's file."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from app import signing
from app.ledger.tree_heads import public_key_base64


def raw_public(key: Ed25519PrivateKey) -> str:
    return public_key_base64(key.public_key())


def test_the_key_is_generated_once_with_mode_600(tmp_path: Path) -> None:
    path = tmp_path / "var" / "signing_key.pem"
    first = signing.ensure_signing_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert raw_public(signing.ensure_signing_key(path)) == raw_public(first)
    assert [p.name for p in path.parent.iterdir()] == ["signing_key.pem"]


def test_the_default_key_lives_in_the_var_dir(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WANBIAO_VAR_DIR", str(tmp_path))
    key = signing.platform_signing_key({})
    assert raw_public(signing.load_signing_key(tmp_path / "signing_key.pem")) == raw_public(key)


def test_a_configured_key_file_is_used_and_never_generated(tmp_path: Path) -> None:
    operator_key = Ed25519PrivateKey.generate()
    path = tmp_path / "operator.pem"
    path.write_bytes(operator_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    loaded = signing.platform_signing_key({"SIGNING_KEY_FILE": str(path)})
    assert raw_public(loaded) == raw_public(operator_key)
    with pytest.raises(OSError):
        signing.platform_signing_key({"SIGNING_KEY_FILE": str(tmp_path / "missing.pem")})


def test_a_key_of_another_algorithm_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ec.pem"
    path.write_bytes(
        generate_private_key(SECP256R1()).private_bytes(
            Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()
        )
    )
    with pytest.raises(ValueError):
        signing.load_signing_key(path)
