"""Selecting rows of an analytics table in tests: ``pick`` the matching rows, or the ``one``."""

from __future__ import annotations

import numpy as np
import pandas as pd


def pick(df: pd.DataFrame, **where) -> pd.DataFrame:
    """The rows whose columns equal the given values."""
    mask = np.ones(len(df), dtype=bool)
    for col, val in where.items():
        mask &= (df[col] == val).to_numpy()
    return df[mask]


def one(df: pd.DataFrame, **where) -> pd.Series:
    """The single row whose columns equal the given values (fails unless exactly one)."""
    sub = pick(df, **where)
    assert len(sub) == 1, f"expected one row for {where}, got {len(sub)}"
    return sub.iloc[0]
