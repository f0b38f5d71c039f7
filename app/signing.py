"""The platform's Ed25519 signing key: ledger tree heads now, release manifests later.

At scale the key is a file the operator provides (``WANBIAO_SIGNING_KEY_FILE``, PKCS#8 PEM);
on embedded defaults it is generated into ``var/signing_key.pem`` (mode 600) on first use, the
way ``make run`` generates ``var/secret_key``. There is never a shipped key.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from app.config import var_dir

KEY_FILE_NAME = "signing_key.pem"


def load_signing_key(path: Path) -> Ed25519PrivateKey:
    """Read an unencrypted PKCS#8 PEM Ed25519 private key from ``path``.

    Raises ``OSError`` when the file cannot be read and ``ValueError`` when it holds no
    Ed25519 key.
    """
    key = load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return key


def ensure_signing_key(path: Path) -> Ed25519PrivateKey:
    """The key at ``path``, generated there (mode 600) when the file does not exist yet.

    Safe when several processes start at once: the new key is written to a private temporary
    file and hard-linked into place, so exactly one key wins and every process reads it.
    """
    if path.exists():
        return load_signing_key(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()
    )
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".signing-key-")
    try:
        os.fchmod(handle, 0o600)
        os.write(handle, pem)
        os.close(handle)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process generated it first; use that one
    finally:
        os.unlink(temporary)
    return load_signing_key(path)


def platform_signing_key(config: Mapping[str, Any]) -> Ed25519PrivateKey:
    """The key named by ``config["SIGNING_KEY_FILE"]``, else ``var/signing_key.pem``.

    A configured file must exist (an operator's key is never generated behind their back);
    the ``var/`` key is generated on first use.
    """
    configured = config.get("SIGNING_KEY_FILE")
    if configured:
        return load_signing_key(Path(configured))
    return ensure_signing_key(var_dir() / KEY_FILE_NAME)
