"""Secrets the portal must read back, kept sealed at rest: a TOTP secret is the whole second
factor, so a copy of the database (a backup, a dump for support) must not hold it in clear.

Sealed with Fernet (AES-128-CBC and HMAC-SHA256, from `cryptography`). The key is
SECOND_FACTOR_KEY (one Fernet key, or several separated by commas: the first seals, every one
opens, so a key can be replaced without a night of downtime), or else one derived from
SECRET_KEY with HKDF. A key derived from SECRET_KEY always opens too, so setting
SECOND_FACTOR_KEY later needs no conversion. The migration that sealed the secrets already
stored uses this module as well: one way to the key."""

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# Binds the derived key to this one use: SECRET_KEY also signs sessions and links.
_PURPOSE = b"vink second factor secret v1"

__all__ = ["InvalidToken", "derived_key", "key_problem", "open_sealed", "seal"]


def derived_key(secret_key):
    """The Fernet key derived from SECRET_KEY (urlsafe base64 of 32 bytes)."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(
        secret_key.encode()
    )
    return base64.urlsafe_b64encode(raw)


def _keys(config):
    given = [k.strip() for k in (config.get("SECOND_FACTOR_KEY") or "").split(",") if k.strip()]
    return [*given, derived_key(config["SECRET_KEY"])]


def _box(config):
    return MultiFernet([Fernet(key) for key in _keys(config)])


def key_problem(config):
    """Why SECOND_FACTOR_KEY cannot be used, or None (also when it is not set)."""
    try:
        _box(config)
    except (ValueError, TypeError):
        return (
            'SECOND_FACTOR_KEY er ikke en Fernet-nøgle (lav en med `python -c "from '
            'cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`).'
        )
    return None


def seal(config, text):
    """`text` sealed with the first key: a token of ASCII letters, new each time."""
    return _box(config).encrypt(text.encode()).decode("ascii")


def open_sealed(config, token):
    """The text `token` was sealed from; InvalidToken when no key opens it (a wrong key, or a
    value that was never sealed)."""
    return _box(config).decrypt(token.encode("ascii")).decode()
