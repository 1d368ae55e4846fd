"""Vectorised digests: row hashes that tell a changed record from a repeated one, and the keyed
hash that stands in for a patient's identity."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

_HEX = np.array(list("0123456789abcdef"))
_SHIFTS = np.arange(60, -4, -4).astype(np.uint64)


def _nibbles(values: np.ndarray) -> np.ndarray:
    return _HEX[(values.astype(np.uint64)[:, None] >> _SHIFTS) & np.uint64(15)]


def hex64(values: np.ndarray) -> np.ndarray:
    """uint64 values as 16-character lowercase hex strings."""
    return np.ascontiguousarray(_nibbles(values)).view("<U16").ravel()


def row_hashes(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """A 64-bit digest of a row's normalised values (pandas' SipHash): equal means identical record."""
    digest = pd.util.hash_pandas_object(frame[columns], index=False).to_numpy()
    return pd.Series(hex64(digest), index=frame.index, dtype=object)


def keyed_hash(values: pd.Series, secret: str) -> pd.Series:
    """128-bit keyed hash (two SipHash-2-4 keys derived from ``secret``) as 32 hex characters.

    SipHash is a keyed pseudo-random function: without the secret, nobody can test a guessed ID
    number against a stored hash, yet the same person always gets the same hash.
    """
    key = hashlib.sha256(secret.encode("utf-8")).hexdigest()
    array = values.astype(object).to_numpy()
    first = pd.util.hash_array(array, hash_key=key[:16], categorize=False)
    second = pd.util.hash_array(array, hash_key=key[16:32], categorize=False)
    both = np.ascontiguousarray(np.hstack([_nibbles(first), _nibbles(second)])).view("<U32").ravel()
    return pd.Series(both.astype(object), index=values.index)
