"""The checked way in: the atlas's layers and facts from a geodata folder, or the check of it."""

from __future__ import annotations

import os
import warnings

import geopandas as gpd
import pandas as pd

from ._errors import ArgumentError, DataError, JmgeoError, ValidationError
from ._facts import fact_frame
from ._geodata import GeoData, read_geodata
from ._layers import build_layers
from ._validate import CheckReport, check_data

__all__ = ["check_geodata", "load_facts", "load_layer", "load_layers", "raise_for_problems"]

PathLike = str | os.PathLike[str]


def check_geodata(geodata_dir: PathLike | GeoData | None = None, docs_dir: PathLike | None = None) -> CheckReport:
    """Check a whole geodata folder and return a report listing every problem.

    Nothing stops at the first problem: the report lists them all, each naming its
    file and record, as ``jmgeo check`` prints them. Quotes and mentions are checked
    against the source documents when they are found (``docs_dir``, ``$JMGEO_DOCS`` or
    ``../shared/seeds``); otherwise ``report.notes`` says those checks were skipped.

    Examples
    --------
    >>> report = check_geodata()
    >>> report.ok, report.counts["districts"]
    (True, 7)
    """
    try:
        data = read_geodata(geodata_dir, docs_dir)
    except JmgeoError as exc:
        report = CheckReport(problems=[exc if isinstance(exc, DataError) else DataError("geodata", None, str(exc))])
        report.tally.unreadable = [report.problems[0].file]
        return report
    return check_data(data)


def raise_for_problems(data: GeoData) -> CheckReport:
    """Check ``data``; raise :class:`~jmgeo.ValidationError` listing every problem, else return the report.

    The report's notes (e.g. documents not found) are issued as warnings.
    """
    report = check_data(data)
    if report.problems:
        raise ValidationError(report.problems)
    for note in report.notes:
        warnings.warn(note, stacklevel=3)
    return report


def load_facts(geodata_dir: PathLike | GeoData | None = None, validate: bool = True) -> pd.DataFrame:
    """Load the fact table: one row per fact, with its document, verbatim quote, value, unit and year.

    The columns are :data:`jmgeo._facts.FACT_COLUMNS`; ``feature_ids`` and
    ``conflicts_with`` hold lists of ids. With ``validate=True`` (the default) the whole
    geodata folder is checked first and a :class:`~jmgeo.ValidationError` lists every
    problem.

    Examples
    --------
    >>> facts = load_facts()
    >>> facts.loc[facts["id"] == "d003_land_area", ["value", "unit"]].values.tolist()
    [[9535.0, '平方公里']]
    """
    data = read_geodata(geodata_dir)
    if validate:
        raise_for_problems(data)
    return fact_frame(data.fact_records)


def load_layers(geodata_dir: PathLike | GeoData | None = None, validate: bool = True) -> dict[str, gpd.GeoDataFrame]:
    """Load every layer as a GeoDataFrame in WGS84 (EPSG:4326), keyed by layer id, in registry order.

    Parameters
    ----------
    geodata_dir : path, optional
        The geodata folder; by default the project's own (``geodata/``).
    validate : bool
        Check all of geodata first and raise :class:`~jmgeo.ValidationError` listing
        every problem (file and record) if anything is wrong.

    Returns
    -------
    dict of str to GeoDataFrame
        ``city``, ``districts``, ``industrial_parks``, ``logistics_hubs``, ``corridors``,
        ``freight_routes`` and ``sites``. Every frame has ``id``, ``name_zh``, ``name_en``,
        ``layer``, ``precision`` and ``fact_ids``; the places layers also have the
        district derived by spatial join and the source of every position.

    Examples
    --------
    >>> layers = load_layers()
    >>> len(layers["districts"]), layers["districts"].crs.to_epsg()
    (7, 4326)
    """
    data = read_geodata(geodata_dir)
    if validate:
        raise_for_problems(data)
    return build_layers(data, fact_frame(data.fact_records))


def load_layer(layer_id: str, geodata_dir: PathLike | GeoData | None = None) -> gpd.GeoDataFrame:
    """Load one layer by id (see :func:`load_layers`).

    Examples
    --------
    >>> load_layer("logistics_hubs").crs.to_epsg()
    4326
    """
    layers = load_layers(geodata_dir)
    if layer_id not in layers:
        raise ArgumentError(f"unknown layer {layer_id!r}; layers are {', '.join(layers)}")
    return layers[layer_id]
