"""Exports to other GIS formats (Shapefile, FlatGeobuf, GeoParquet, CSV), each saying what its format changes.

Inputs -> outputs: the checked geodata (every layer and the facts), and layers of your own
(:class:`jmgeo.ExtraLayer`, streamed a chunk at a time: never whole in memory) ->
``OUT/shapefile/``, ``OUT/flatgeobuf/``, ``OUT/geoparquet/`` and ``OUT/csv/``. Nothing is cut
or dropped silently: where a format cannot hold something as it is, the data is moved
somewhere it can be found (a side table, JSON text) and a note says so. Every file is
written by GDAL (or pyarrow) into a scratch folder, read back and checked there, and then
staged through :mod:`jmgeo._files`: all files are replaced together, or none.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from ._cells import SpreadsheetWriter
from ._errors import ArgumentError, JmgeoError
from ._export import _gpkg_frame, check_extra_ids
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


def _cut(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes, never inside a character (a Chinese one is 3 bytes)."""
    return text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")


def _dbf_names(columns: list[str]) -> dict[str, str]:
    """Each column's name in a .dbf: itself if it fits 10 bytes, else cut at a character and made unique.

    dBase matches names without case, so ``NAME`` after ``name`` is renamed too.
    """
    names: dict[str, str] = {}
    taken: set[str] = set()
    for col in columns:
        name = _cut(col, DBF_NAME_BYTES)
        n = 1
        while name.lower() in taken or not name:
            name = f"{_cut(col, DBF_NAME_BYTES - 1 - len(str(n)))}_{n}"
            n += 1
        taken.add(name.lower())
        names[col] = name
    return names


def _move_long_text(name: str, flat: pd.DataFrame, long_rows: list[tuple]) -> None:
    """Text longer than dBase holds goes whole to ``long_rows`` (long_text.csv); its cell says so instead."""
    for col in flat.columns:
        if col == "geometry" or (not isinstance(flat[col].dtype, pd.StringDtype) and flat[col].dtype != object):
            continue
        long = flat[col].map(lambda v: isinstance(v, str) and len(v.encode("utf-8")) > DBF_TEXT_BYTES)
        if long.any():
            long_rows += [(name, flat.at[i, "id"], col, flat.at[i, col]) for i in flat.index[long]]
            flat.loc[long, col] = LONG_TEXT_MARK


def _shapefile(layers, facts, tmp: Path, files: dict, notes: list[str], extras: list) -> None:
    folder = tmp / "shapefile"
    folder.mkdir()
    long_rows: list[tuple] = []
    field_rows: list[tuple] = []
    tables = [(name, frame) for name, frame in layers.items()] + [("facts", facts)]
    for name, frame in tables:
        flat = _gpkg_frame(frame)
        columns = [c for c in flat.columns if c != "geometry"]
        names = _dbf_names(columns)
        _move_long_text(name, flat, long_rows)
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
            notes.append(_split_note(name, [stem for stem, _ in parts]))
    for extra in extras:
        _shapefile_extra(extra, folder, long_rows, field_rows, notes)
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
    files.update({f"shapefile/{p.name}": p for p in sorted(folder.iterdir())})
    files["shapefile/fields.csv"] = _csv_bytes(pd.DataFrame(field_rows, columns=["file", "field", "column"]))
    files["shapefile/long_text.csv"] = _csv_bytes(pd.DataFrame(long_rows, columns=["layer", "id", "column", "value"]))


def _split_note(name: str, stems: list[str]) -> str:
    return f"shapefile: {name} mixes geometry types; a Shapefile holds one, so it is split into " + ", ".join(
        f"{stem}.shp" for stem in stems
    )


def _shapefile_extra(extra, folder: Path, long_rows: list[tuple], field_rows: list[tuple], notes: list[str]) -> None:
    """A layer of your own as Shapefile(s), one a geometry kind, each written from the layer's chunks in turn."""
    types = extra.geometry_types()
    kinds = list(dict.fromkeys(SHAPE_KINDS.get(t, "polygons") for t in types))
    stems = [extra.id if len(kinds) == 1 else f"{extra.id}_{kind}" for kind in kinds]
    for kind, stem in zip(kinds, stems, strict=True):
        target = folder / f"{stem}.shp"
        if target.exists():
            raise ArgumentError(f"layer id {extra.id!r}: {target.name} is already an export's; name your layer")
        names: dict[str, str] = {}

        def prepare(frame: gpd.GeoDataFrame, kind=kind, names=names) -> gpd.GeoDataFrame:
            if len(kinds) > 1:
                frame = frame[frame.geom_type.map(lambda g: SHAPE_KINDS.get(g, "polygons")) == kind]
            flat = _gpkg_frame(frame)
            names.update(names or _dbf_names([c for c in flat.columns if c != "geometry"]))
            _move_long_text(extra.id, flat, long_rows)
            return flat.rename(columns=names)

        mine = [t for t in types if SHAPE_KINDS.get(t, "polygons") == kind]
        geometry_type = next((t for t in mine if t.startswith("Multi")), mine[0])
        written = _write_chunks(
            target,
            extra.frames(),
            prepare,
            driver="ESRI Shapefile",
            geometry_type=geometry_type,
            encoding="UTF-8",
            layer_options={"DBF_DATE_LAST_UPDATE": DBF_DATE},
        )
        _check_chunked(target, written)
        field_rows += [(target.name, field, col) for col, field in names.items()]
    if len(stems) > 1:
        notes.append(_split_note(extra.id, stems))


class _Ids:
    """Count and order-free digest of ids (a sum of 64-bit hashes): a file's ids checked in flat memory."""

    def __init__(self):
        self.count = 0
        self.digest = 0

    def add(self, ids: Iterable) -> None:
        for value in ids:
            hashed = hashlib.blake2b(str(value).encode("utf-8"), digest_size=8).digest()
            self.digest = (self.digest + int.from_bytes(hashed, "big")) % (1 << 64)
            self.count += 1


def _arrow():
    """pyarrow, or None without it (an optional dependency: ``jmgeo[parquet]``)."""
    try:
        import pyarrow  # deferred: optional, and only the exports of large layers need it
    except ImportError:
        return None
    return pyarrow


def _write_chunks(target: Path, frames: Iterator, prepare: Callable, **options) -> _Ids:
    """Write ``frames`` (each made ready by ``prepare``) to one GDAL file, one chunk in memory at a time.

    With pyarrow the chunks go to GDAL as one Arrow stream (one pass, time linear in the layer);
    without it each chunk is appended (GDAL rewrites a FlatGeobuf on each append: slower, same file).
    Every chunk's columns must keep the first chunk's types. Returns the ids written.
    """
    written = _Ids()
    pa = _arrow()
    if pa is None:
        plain = {k: v for k, v in options.items() if k != "geometry_type"}  # GDAL takes it from the first chunk
        first: dict = {}
        for i, frame in enumerate(frames):
            flat = prepare(frame)
            written.add(flat["id"])
            first = first or dict(flat.dtypes)
            for col, dtype in flat.dtypes.items():  # as _conform: GDAL would convert a changed type silently
                if dtype != first.get(col, dtype) and flat[col].notna().any():
                    raise JmgeoError(
                        f"{target.stem}: chunk {i + 1} of the features does not keep the first chunk's columns "
                        f"and types: {col!r} is {dtype}, was {first[col]}"
                    )
            pyogrio.write_dataframe(flat, target, append=i > 0, **plain)
        return written
    frames = iter(frames)
    failure: list[Exception] = []

    def table(frame):
        flat = prepare(frame)
        written.add(flat["id"])
        return pa.table(flat.to_arrow(index=False, geometry_encoding="WKB"))

    head = table(next(frames))
    schema = _first_schema(head)

    def batches():
        try:
            yield from head.cast(schema).to_batches()
            for i, frame in enumerate(frames, 1):
                yield from _conform(table(frame), schema, f"{target.stem}: chunk {i + 1}").to_batches()
        except Exception as exc:  # GDAL reports an error in the stream without it: kept to raise as it is
            failure.append(exc)
            raise

    try:
        pyogrio.write_arrow(
            pa.RecordBatchReader.from_batches(schema, batches()),
            target,
            geometry_name="geometry",
            crs="EPSG:4326",
            **options,
        )
    except Exception:
        if failure:
            raise failure[0] from None
        raise
    return written


def _first_schema(table):
    """The schema every chunk is written with: the first chunk's; a column it has no value in yet is text."""
    pa = _arrow()
    return pa.schema([f.with_type(pa.string()) if pa.types.is_null(f.type) else f for f in table.schema])


def _conform(table, schema, where: str):
    """``table`` (a later chunk) in ``schema``, or one error: a column missing or of another type is never
    converted (numbers into text would change the data silently); a column with no value yet fits any type."""
    pa = _arrow()
    got = {f.name: f.type for f in table.schema}
    for f in schema:
        if f.name not in got or not (got[f.name] == f.type or pa.types.is_null(got[f.name])):
            found = got.get(f.name, "missing")
            raise JmgeoError(
                f"{where} of the features does not keep the first chunk's columns and types: "
                f"{f.name!r} is {found}, was {f.type}"
            )
    return table.select(schema.names).cast(schema)


def _check_chunked(target: Path, written: _Ids, chunk: int = 100_000) -> None:
    """Read ``target``'s ids back with GDAL a chunk at a time; the same ids as written, in any order."""
    back = _Ids()
    while True:
        ids = pyogrio.read_dataframe(
            target, columns=["id"], read_geometry=False, skip_features=back.count, max_features=chunk
        )["id"]
        back.add(ids)
        if len(ids) < chunk:
            break
    if (back.count, back.digest) != (written.count, written.digest):
        raise OSError(f"{target.name}: read back {back.count} features, expected {written.count} (or other ids)")


def _shape_parts(name: str, flat: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The frame as one Shapefile per geometry kind (one part if it has one kind; the facts: a .dbf)."""
    if not isinstance(flat, gpd.GeoDataFrame):
        return [(name, flat)]
    kinds = flat.geom_type.map(lambda t: SHAPE_KINDS.get(t, "polygons"))
    if kinds.nunique() == 1:
        return [(name, flat)]
    return [(f"{name}_{kind}", flat[kinds == kind]) for kind in dict.fromkeys(kinds)]


def _flatgeobuf(layers, facts, tmp: Path, files: dict, notes: list[str], extras: list) -> None:
    for name, frame in layers.items():
        target = tmp / f"{name}.fgb"
        pyogrio.write_dataframe(_gpkg_frame(frame), target, driver="FlatGeobuf")
        _check_ids(target, frame["id"], sort=True)
        files[f"flatgeobuf/{name}.fgb"] = target
    for extra in extras:
        target = tmp / f"{extra.id}.fgb"
        types = extra.geometry_types()
        geometry_type = types[0] if len(types) == 1 else "Unknown"
        written = _write_chunks(target, extra.frames(), _gpkg_frame, driver="FlatGeobuf", geometry_type=geometry_type)
        _check_chunked(target, written)
        files[f"flatgeobuf/{extra.id}.fgb"] = target
    notes.append(
        "flatgeobuf: lists are JSON text; features are stored in the spatial index's order (sort by id); "
        "the facts have no geometry, which FlatGeobuf needs: they are not in this format (see csv/ or geoparquet/)"
    )


def _geoparquet(layers, facts, tmp: Path, files: dict, notes: list[str], extras: list) -> None:
    if _arrow() is None:
        raise JmgeoError("GeoParquet needs pyarrow: pip install 'jmgeo[parquet]'")
    for name, frame in [*layers.items(), ("facts", facts)]:
        target = tmp / f"{name}.parquet"
        frame.to_parquet(target, index=False)
        back = pd.read_parquet(target, columns=["id"])
        if list(back["id"]) != list(frame["id"]):
            raise OSError(f"{target.name}: read back {len(back)} rows, expected {len(frame)}")
        files[f"geoparquet/{name}.parquet"] = target
    for extra in extras:
        target = tmp / f"{extra.id}.parquet"
        _parquet_chunks(target, extra)
        files[f"geoparquet/{extra.id}.parquet"] = target
    notes.append(
        "geoparquet: nothing changed (lists stay lists); GDAL reads it from 3.8 with its Parquet driver, "
        "which Debian's GDAL 3.6 (QGIS 3.22) lacks: open it with geopandas, DuckDB or QGIS 3.34+"
    )


def _parquet_chunks(target: Path, extra) -> None:
    """A layer of your own as GeoParquet 1.0, written a chunk (one row group) at a time and read back so."""
    import pyarrow.parquet as pq  # deferred: optional (see _arrow)
    from pyproj import CRS  # deferred: with the above

    pa = _arrow()
    written, writer, schema = _Ids(), None, None
    bounds = [float("inf"), float("inf"), float("-inf"), float("-inf")]
    try:
        for i, frame in enumerate(extra.frames()):
            written.add(frame["id"])
            table = pa.table(frame.to_arrow(index=False, geometry_encoding="WKB")).replace_schema_metadata(None)
            if writer is None:
                schema = _first_schema(table)
                writer = pq.ParquetWriter(target, schema)
            writer.write_table(_conform(table, schema, f"{extra.id}: chunk {i + 1}"))
            if len(frame):
                box = frame.total_bounds
                bounds = [
                    min(bounds[0], box[0]),
                    min(bounds[1], box[1]),
                    max(bounds[2], box[2]),
                    max(bounds[3], box[3]),
                ]
        # the GeoParquet 1.0 metadata (https://geoparquet.org/releases/v1.0.0/), as geopandas writes it
        column = {
            "encoding": "WKB",
            "geometry_types": extra.geometry_types(),
            "crs": CRS(4326).to_json_dict(),
            "bbox": bounds,
        }
        geo = {"version": "1.0.0", "primary_column": "geometry", "columns": {"geometry": column}}
        writer.add_key_value_metadata({"geo": json.dumps(geo)})
    finally:
        if writer is not None:
            writer.close()
    back = _Ids()
    for batch in pq.ParquetFile(target).iter_batches(columns=["id"]):
        back.add(batch.column("id").to_pylist())
    if (back.count, back.digest) != (written.count, written.digest):
        raise OSError(f"{target.name}: read back {back.count} rows, expected {written.count} (or other ids)")


def _csv(layers, facts, tmp: Path, files: dict, notes: list[str], extras: list) -> None:
    links = feature_fact_links(facts)
    for name, frame in (("facts", facts), ("feature_facts", links)):
        target = tmp / f"{name}.csv"
        target.write_bytes(_csv_bytes(frame))
        back = pyogrio.read_dataframe(target, read_geometry=False)
        if len(back) != len(frame):
            raise OSError(f"{target.name}: read back {len(back)} rows, expected {len(frame)}")
        files[f"csv/{name}.csv"] = target
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
    extra_layers: list | None = None,
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
    extras = list(extra_layers or [])
    check_extra_ids(extras, layers)
    result = ExportResult()
    files: dict[str, bytes | Path] = {}  # each file's bytes, or the scratch file that holds them
    out = Path(out_dir)
    with tempfile.TemporaryDirectory(prefix="jmgeo-export-") as scratch:
        for fmt in formats:
            folder = Path(scratch) / fmt
            folder.mkdir()
            WRITERS[fmt](layers, facts, folder, files, result.notes, extras)
            result.notes += [
                _text_fields_note(fmt, e) for e in extras if getattr(e, "text_fields", None) and fmt != "csv"
            ]
        with staged_outputs() as stage:
            for rel, content in files.items():
                if isinstance(content, Path):  # copied a block at a time: a large layer's file is never read whole
                    stage.write_stream(out / rel, _blocks(content))
                else:
                    stage.write(out / rel, content)
    result.paths = list(stage.paths)
    return result


def _text_fields_note(fmt: str, extra) -> str:
    """The note for a layer of your own whose dates or times are text (fiona reads them so)."""
    fields = ", ".join(f"{name} ({kind})" for name, kind in extra.text_fields.items())
    return f"{fmt}: {extra.id}: {fields} written as ISO 8601 text, as read; the file declared a date/time type"


def _blocks(path: Path, size: int = 1 << 20) -> Iterator[bytes]:
    with path.open("rb") as fh:
        yield from iter(lambda: fh.read(size), b"")
