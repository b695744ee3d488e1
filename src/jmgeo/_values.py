"""Plain JSON values from NumPy and pandas scalars, for the page's data and the exports."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

__all__ = ["json_value"]


def json_value(value):
    """Turn NumPy/pandas scalars, NaN/inf and missing values into plain JSON values (None for missing).

    Dates become ISO 8601 text (``2023-08-21``; a timestamp ``2023-08-21T10:30:00``).

    Examples
    --------
    >>> json_value(np.int64(3)), json_value(np.float64("nan")), json_value(pd.Timestamp("2023-08-21 10:30"))
    (3, None, '2023-08-21T10:30:00')
    """
    if value is pd.NaT or (isinstance(value, np.datetime64) and np.isnat(value)):
        return None
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, (dt.date, dt.datetime)):  # pd.Timestamp is a datetime
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (list, tuple, np.ndarray)):
        return [json_value(v) for v in value]
    return value
