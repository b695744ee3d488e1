"""Exports to other GIS formats (Shapefile, FlatGeobuf, GeoParquet, CSV), each saying what its format changes.

Inputs -> outputs: the checked geodata (every layer and the facts) ->
``OUT/shapefile/``, ``OUT/flatgeobuf/``, ``OUT/geoparquet/`` and ``OUT/csv/``. Nothing is cut
or dropped silently: where a format cannot hold something as it is, the data is moved
somewhere it can be found (a side table, JSON text) and a note says so. Every file is
written by GDAL (or pyarrow) into a scratch folder, read back and checked there, and then
staged through :mod:`jmgeo._files`: all files are replaced together, or none.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from ._cells import SpreadsheetWriter
from ._errors import ArgumentError, JmgeoError
from ._export import _gpkg_frame
from ._facts import fact_frame, feature_fact_links
from ._files import staged_outputs
from ._geodata import read_geodata
from ._layers import build_layers
from ._loading import raise_for_problems
from ._values import json_value

__all__ = ["FORMATS", "ExportResult", "export_atlas"]

#: The formats ``jmgeo export`` writes, in the order it writes them.
FORMATS = ("shapefile", "flatgeobuf", "geoparquet", "csv")

#: dBase's limits: field names of 10 bytes, text of 254 bytes.
DBF_NAME_BYTES = 10
DBF_TEXT_BYTES = 254
#: What a .dbf cell holds instead of a text too long for it; the text is in long_text.csv.
LONG_TEXT_MARK = "[long_text.csv]"
#: A Shapefile holds one kind of geometry: a layer that mixes kinds is split, one file a kind.
SHAPE_KINDS = {"Point": "points", "MultiPoint": "points", "LineString": "lines", "MultiLineString": "lines"}
#: dBase files store the day they were last changed: a fixed day keeps exports byte-reproducible.
DBF_DATE = "2000-01-01"


@dataclass
class ExportResult:
    """What :func:`export_atlas` wrote, and what each format changed on the way (one note each)."""

    paths: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV, lists as JSON text, missing values empty; a cell a spreadsheet would run is written as text."""
    out = io.StringIO()
    writer = SpreadsheetWriter(out, lineterminator="\n")
    writer.writerow(frame.columns)
    for row in frame.itertuples(index=False):
        values = [json_value(v) for v in row]
        writer.writerow(
            "" if v is None else json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v for v in values
        )
    return out.getvalue().encode("utf-8")


def _check_ids(path: Path, expected: Iterable, sort: bool = False) -> None:
    got = list(pyogrio.read_dataframe(path, read_geometry=False, columns=["id"])["id"])
    want = list(expected)
    if (sorted(got) if sort else got) != (sorted(want) if sort else want):
        raise OSError(f"{path.name}: read back {len(got)} features, expected {len(want)}")


def _dbf_names(columns: list[str]) -> dict[str, str]:
    """Each column's name in a .dbf: itself if it fits 10 bytes, else cut and made unique."""
    names: dict[str, str] = {}
    for col in columns:
        name = col if len(col.encode("utf-8")) <= DBF_NAME_BYTES else col[:DBF_NAME_BYTES]
        n = 1
        while name in names.values():
            name = f"{col[: DBF_NAME_BYTES - 1 - len(str(n))]}_{n}"
            n += 1
        names[col] = name
    return names


def _shapefile(layers, facts, tmp: Path, files: dict[str, bytes], notes: list[str]) -> None:
    folder = tmp / "shapefile"
    folder.mkdir()
    long_rows: list[tuple] = []
    field_rows: list[tuple] = []
    tables = [(name, frame) for name, frame in layers.items()] + [("facts", facts)]
    for name, frame in tables:
        flat = _gpkg_frame(frame)
        columns = [c for c in flat.columns if c != "geometry"]
        names = _dbf_names(columns)
        for col in columns:
            if not isinstance(flat[col].dtype, pd.StringDtype) and flat[col].dtype != object:
                continue
            for i, value in flat[col].items():
                if isinstance(value, str) and len(value.encode("utf-8")) > DBF_TEXT_BYTES:
                    long_rows.append((name, flat.at[i, "id"], col, value))
                    flat.at[i, col] = LONG_TEXT_MARK
        parts = _shape_parts(name, flat)
        for stem, part in parts:
            field_rows += [(f"{stem}.{'shp' if 'geometry' in part else 'dbf'}", names[c], c) for c in columns]
            target = folder / f"{stem}.{'shp' if 'geometry' in part else 'dbf'}"
            pyogrio.write_dataframe(
                part.rename(columns=names),
                target,
                driver="ESRI Shapefile",
                encoding="UTF-8",
                layer_options={"DBF_DATE_LAST_UPDATE": DBF_DATE},
            )
            _check_ids(target, part["id"])
        if len(parts) > 1:
            notes.append(
                f"shapefile: {name} mixes geometry types; a Shapefile holds one, so it is split into "
                + ", ".join(f"{stem}.shp" for stem, _ in parts)
            )
    renamed = sorted({f"{c} -> {n}" for _f, n, c in field_rows if n != c})
    notes.append(
        f"shapefile: dBase field names hold {DBF_NAME_BYTES} bytes; {len(renamed)} column(s) renamed "
        f"({', '.join(renamed[:4])} ...): fields.csv maps every field back to its column"
    )
    notes.append(
        f"shapefile: {len(long_rows)} text value(s) longer than {DBF_TEXT_BYTES} bytes are in long_text.csv "
        f"(layer, id, column, value), whole; their .dbf cell says {LONG_TEXT_MARK}"
    )
    notes.append("shapefile: lists (aliases, fact_ids ...) are JSON text; text is UTF-8, declared in each .cpg")
    files.update({f"shapefile/{p.name}": p.read_bytes() for p in sorted(folder.iterdir())})
    files["shapefile/fields.csv"] = _csv_bytes(pd.DataFrame(field_rows, columns=["file", "field", "column"]))
    files["shapefile/long_text.csv"] = _csv_bytes(pd.DataFrame(long_rows, columns=["layer", "id", "column", "value"]))


def _shape_parts(name: str, flat: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The frame as one Shapefile per geometry kind (one part if it has one kind; the facts: a .dbf)."""
    if not isinstance(flat, gpd.GeoDataFrame):
        return [(name, flat)]
    kinds = flat.geom_type.map(lambda t: SHAPE_KINDS.get(t, "polygons"))
    if kinds.nunique() == 1:
        return [(name, flat)]
    return [(f"{name}_{kind}", flat[kinds == kind]) for kind in dict.fromkeys(kinds)]


def _flatgeobuf(layers, facts, tmp: Path, files: dict[str, bytes], notes: list[str]) -> None:
    for name, frame in layers.items():
        target = tmp / f"{name}.fgb"
        pyogrio.write_dataframe(_gpkg_frame(frame), target, driver="FlatGeobuf")
        _check_ids(target, frame["id"], sort=True)
        files[f"flatgeobuf/{name}.fgb"] = target.read_bytes()
    notes.append(
        "flatgeobuf: lists are JSON text; features are stored in the spatial index's order (sort by id); "
        "the facts have no geometry, which FlatGeobuf needs: they are not in this format (see csv/ or geoparquet/)"
    )


def _geoparquet(layers, facts, tmp: Path, files: dict[str, bytes], notes: list[str]) -> None:
    try:
        import pyarrow  # noqa: F401 (deferred: an optional dependency, needed only here)
    except ImportError:
        raise JmgeoError("GeoParquet needs pyarrow: pip install 'jmgeo[parquet]'") from None
    for name, frame in [*layers.items(), ("facts", facts)]:
        target = tmp / f"{name}.parquet"
        frame.to_parquet(target, index=False)
        back = pd.read_parquet(target, columns=["id"])
        if list(back["id"]) != list(frame["id"]):
            raise OSError(f"{target.name}: read back {len(back)} rows, expected {len(frame)}")
        files[f"geoparquet/{name}.parquet"] = target.read_bytes()
    notes.append(
        "geoparquet: nothing changed (lists stay lists); GDAL reads it from 3.8 with its Parquet driver, "
        "which Debian's GDAL 3.6 (QGIS 3.22) lacks: open it with geopandas, DuckDB or QGIS 3.34+"
    )


def _csv(layers, facts, tmp: Path, files: dict[str, bytes], notes: list[str]) -> None:
    links = feature_fact_links(facts)
    for name, frame in (("facts", facts), ("feature_facts", links)):
        target = tmp / f"{name}.csv"
        target.write_bytes(_csv_bytes(frame))
        back = pyogrio.read_dataframe(target, read_geometry=False)
        if len(back) != len(frame):
            raise OSError(f"{target.name}: read back {len(back)} rows, expected {len(frame)}")
        files[f"csv/{name}.csv"] = target.read_bytes()
    notes.append(
        "csv: the facts and their link table feature_facts.csv (feature_id, fact_id), UTF-8; lists are JSON text; "
        "a text cell starting with = + - or @ gets a leading ' so no spreadsheet runs it as a formula; "
        "no geometry (the layers are in the other formats)"
    )


WRITERS: dict[str, Callable] = {
    "shapefile": _shapefile,
    "flatgeobuf": _flatgeobuf,
    "geoparquet": _geoparquet,
    "csv": _csv,
}


def export_atlas(
    out_dir: str | os.PathLike[str] = "exports",
    formats: Iterable[str] = FORMATS,
    *,
    geodata_dir: str | os.PathLike[str] | None = None,
    docs_dir: str | os.PathLike[str] | None = None,
) -> ExportResult:
    """Check the geodata and export every layer and the facts to ``formats`` under ``out_dir``.

    Each format gets its own folder (``shapefile/``, ``flatgeobuf/``, ``geoparquet/``,
    ``csv/``). The result lists the files written and one note for each thing a format
    changes (a layer split by geometry type, renamed fields, long text moved to a side
    table, lists as JSON text, a table a format cannot hold).

    Examples
    --------
    >>> import tempfile, jmgeo
    >>> result = jmgeo.export_atlas(tempfile.mkdtemp(), ["csv"])
    >>> sorted(p.name for p in result.paths)
    ['facts.csv', 'feature_facts.csv']
    """
    formats = list(dict.fromkeys(formats))
    unknown = [f for f in formats if f not in WRITERS]
    if unknown or not formats:
        raise ArgumentError(f"unknown export format(s) {unknown}; choose from {', '.join(FORMATS)}")
    data = read_geodata(geodata_dir, docs_dir)
    raise_for_problems(data)
    facts = fact_frame(data.fact_records)
    layers = build_layers(data, facts)
    result = ExportResult()
    files: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory(prefix="jmgeo-export-") as scratch:
        for fmt in formats:
            folder = Path(scratch) / fmt
            folder.mkdir()
            WRITERS[fmt](layers, facts, folder, files, result.notes)
    out = Path(out_dir)
    with staged_outputs() as stage:
        for rel, content in files.items():
            stage.write(out / rel, content)
    result.paths = list(stage.paths)
    return result
