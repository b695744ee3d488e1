"""GIS exports of the layers: RFC 7946 GeoJSON and one GeoPackage, each written all-or-nothing.

Files are staged through :mod:`jmgeo._files` (temp file, sync, read back, rename), so a
failure leaves every earlier output byte for byte.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from ._errors import ArgumentError, JmgeoError
from ._facts import feature_fact_links
from ._files import OutputStage, atomic_write, staged_outputs
from ._layer_styles import layer_style, reading_latitude
from ._qgis_project import PROJECT_NAME, project_metadata, project_qgs, project_qgz
from ._registry import LayerSpec, Registry
from ._user_layers import user_color
from ._values import json_value

__all__ = [
    "check_extra_ids",
    "extra_layer_geojson",
    "geojson_collection",
    "geojson_lines",
    "geojson_text",
    "stage_geopackage",
    "verify_geojson",
    "verify_geojson_lines",
    "write_geojson",
    "write_geopackage",
    "write_shapefile",
]

#: GeoPackage files store a timestamp; a fixed one keeps builds byte-reproducible. The standard's
#: ``last_change`` needs fractions of a second (Requirement 15: ``%Y-%m-%dT%H:%M:%fZ``).
GPKG_TIMESTAMP = "2000-01-01T00:00:00.000Z"

#: The GeoPackage version declared: GDAL 3.6 and QGIS 3.22 LTR read 1.3 without a warning (1.4,
#: GDAL's default since 3.7, is read "only partially" and warned about on every open), and GDAL then
#: writes the 1.3 R-tree triggers (``update1``..``update4``) its validator checks.
GPKG_VERSION = "1.3"


def _rfc7946_geometry(geom, decimals: int) -> str:
    """The geometry as GeoJSON text: exterior rings counter-clockwise, holes clockwise (RFC 7946)."""
    if geom is None:
        return "null"
    if geom.geom_type in ("Polygon", "MultiPolygon", "GeometryCollection"):
        geom = shapely.orient_polygons(geom, exterior_cw=False)
    # GEOS's GeoJSON writer: ~4x faster than shapely's mapping() and json.dumps for the
    # 20,000-vertex boundaries, with the same numbers once rounded to ``decimals``.
    return shapely.to_geojson(shapely.transform(geom, lambda c: np.round(c, decimals)))


def geojson_lines(frame: gpd.GeoDataFrame, decimals: int = 7) -> Iterator[str]:
    """The features of a WGS84 frame as RFC 7946 GeoJSON text, one feature a string."""
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        raise ArgumentError("GeoJSON export needs a frame in EPSG:4326 (WGS84)")
    columns = [c for c in frame.columns if c != frame.geometry.name]
    for row in frame.itertuples(index=False):
        values = row._asdict()
        props = {c: json_value(values[c]) for c in columns}
        head = json.dumps(
            {"type": "Feature", "id": props.get("id"), "properties": props}, ensure_ascii=False, allow_nan=False
        )
        yield head[:-1] + ', "geometry": ' + _rfc7946_geometry(values[frame.geometry.name], decimals) + "}"


def geojson_text(frame: gpd.GeoDataFrame, decimals: int = 7) -> str:
    """Return an RFC 7946 FeatureCollection for a WGS84 frame, one feature per line.

    Coordinates are longitude/latitude, exterior rings counter-clockwise, and there is
    no ``crs`` member. Every column becomes a property; list columns stay JSON arrays.
    """
    return geojson_collection(geojson_lines(frame, decimals))


def geojson_collection(lines) -> str:
    """A FeatureCollection of features given as text, one a line (from chunks of a large layer too)."""
    return '{"type": "FeatureCollection", "features": [\n' + ",\n".join(lines) + "\n]}\n"


def verify_geojson(expected_ids: list) -> Callable[[Path], None]:
    """Return a check that a written GeoJSON file parses and holds exactly ``expected_ids``, in order."""

    def verify(tmp: Path) -> None:
        back = json.loads(tmp.read_text(encoding="utf-8"))
        got = [f["properties"]["id"] for f in back["features"]]
        if got != list(expected_ids):
            raise OSError(f"{tmp}: read back {len(got)} features, expected {len(expected_ids)}")

    return verify


_MISSING = object()  # past the end of the expected ids


def verify_geojson_lines(expected_ids) -> Callable[[Path], None]:
    """:func:`verify_geojson` for a large layer: each feature's line is parsed on its own, in flat memory.

    ``expected_ids`` is a list, or a function returning an iterator of them (read again from a spool).
    """

    def verify(tmp: Path) -> None:
        expected = list(expected_ids) if not callable(expected_ids) else None
        wanted = iter(expected) if expected is not None else expected_ids()
        count = 0
        with tmp.open(encoding="utf-8") as lines:
            if next(lines, "") != '{"type": "FeatureCollection", "features": [\n':
                raise OSError(f"{tmp}: not a FeatureCollection as written")
            for line in lines:
                if line == "]}\n":
                    break
                fid = json.loads(line.rstrip(",\n"))["properties"]["id"]
                if fid != next(wanted, _MISSING):
                    raise OSError(f"{tmp}: feature {count} read back as {fid!r}")
                count += 1
        left = sum(1 for _ in wanted)
        if left:
            raise OSError(f"{tmp}: read back {count} features, expected {count + left}")

    return verify


#: Tables every export holds beside the layers (and GeoPackage's own): no layer of your own may take their names.
RESERVED_TABLES = ("facts", "feature_facts", "layer_styles", "qgis_projects")
_RESERVED_PREFIXES = ("gpkg_", "rtree_")


def check_extra_ids(extras: list, layers) -> None:
    """A layer of your own needs an id of its own: it names files (GeoJSON, Shapefile ...) and a GeoPackage table.

    Raises :class:`~jmgeo._errors.ArgumentError` for an id one of ``layers`` (the atlas's), an earlier
    layer of your own, a table of the exports (``facts`` ...) or GeoPackage itself (``gpkg_*``) has.
    """
    seen = set(layers) | set(RESERVED_TABLES)
    for extra in extras:
        if extra.id in seen or extra.id.startswith(_RESERVED_PREFIXES):
            raise ArgumentError(f"layer id {extra.id!r} is already taken; name your layer FILE:NAME (--layer)")
        seen.add(extra.id)


def extra_layer_geojson(extra) -> tuple[Iterator[bytes], Callable[[Path], None]]:
    """A layer of your own as GeoJSON, in byte chunks (a large point layer 100,000 points a chunk), and its check.

    For :meth:`jmgeo._files.OutputStage.write_stream`: the text is never held whole, and the
    check reads it back a line at a time.
    """
    frame = None if extra.points is not None else extra.wgs84()
    chunks = extra.points.frames() if frame is None else [frame]
    if frame is None:  # read again from the spool as the file is checked, never a list of a million ids

        def ids():
            return (fid for _, part in extra.points.chunks(["id"]) for fid in part["id"])
    else:
        ids = list(frame["id"]) if "id" in frame else [None] * len(extra)

    def stream() -> Iterator[bytes]:
        yield b'{"type": "FeatureCollection", "features": [\n'
        first = True
        for part in chunks:
            lines = ",\n".join(geojson_lines(part))
            if lines:
                yield (lines if first else ",\n" + lines).encode("utf-8")
                first = False
        yield b"\n]}\n"

    return stream(), verify_geojson_lines(ids)


def write_geojson(frame: gpd.GeoDataFrame, path: str | os.PathLike[str], decimals: int = 7) -> Path:
    """Write one layer as RFC 7946 GeoJSON atomically; the file is read back and its ids checked.

    ``frame`` must be in WGS84 (EPSG:4326); coordinates keep ``decimals`` places (7 is
    about 1 cm).

    Examples
    --------
    >>> import json, tempfile, pathlib, jmgeo
    >>> path = jmgeo.write_geojson(jmgeo.load_layer("sites"), pathlib.Path(tempfile.mkdtemp()) / "sites.geojson")
    >>> json.loads(path.read_text(encoding="utf-8"))["type"]
    'FeatureCollection'
    """
    text = geojson_text(frame, decimals)
    return atomic_write(path, text.encode("utf-8"), verify_geojson(list(frame["id"])))


def _is_date(v) -> bool:
    return isinstance(v, dt.date) and not isinstance(v, dt.datetime)


def _gpkg_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Lists are stored as JSON text in GeoPackage columns (it has no array type).

    A column of ``datetime.date`` objects would be written as text; it is stored as a
    date-time at midnight instead, so it comes back as a date type.
    """
    out = frame.copy()
    geometry = frame.geometry.name if isinstance(frame, gpd.GeoDataFrame) else None
    for col in out.columns:
        if col == geometry or out[col].dtype != object:
            continue
        present = out[col].dropna()
        if len(present) and present.map(_is_date).all():
            out[col] = pd.to_datetime(out[col])
        elif out[col].map(lambda v: isinstance(v, (list, tuple))).any():
            out[col] = out[col].map(
                lambda v: json.dumps(json_value(v), ensure_ascii=False) if isinstance(v, (list, tuple)) else v
            )
    return out


def write_geopackage(
    layers: dict[str, gpd.GeoDataFrame],
    facts: pd.DataFrame,
    path: str | os.PathLike[str],
    registry: Registry | None = None,
) -> Path:
    """Write every layer and the non-spatial ``facts`` table to one GeoPackage, atomically.

    List columns (``aliases``, ``fact_ids``, ``feature_ids`` ...) are stored as JSON
    text; the facts' ``feature_ids`` also as the link table ``feature_facts``
    (``feature_id``, ``fact_id``: one row a pair). With the ``registry``, each of its
    layers also gets its default style in the ``layer_styles`` table (QML for QGIS, SLD
    for other clients; see :mod:`jmgeo._layer_styles`) and the file holds the atlas as a
    QGIS project (:mod:`jmgeo._qgis_project`). The file is built in a temp file, read back
    (layer names and row counts checked) and renamed into place.

    Examples
    --------
    >>> import tempfile, pathlib, pyogrio, jmgeo
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "atlas.gpkg"
    >>> _ = jmgeo.write_geopackage(jmgeo.load_layers(), jmgeo.load_facts(), path)
    >>> [name for name, _ in pyogrio.list_layers(path)][-3:]
    ['towns', 'facts', 'feature_facts']
    """
    with staged_outputs() as stage:
        stage_geopackage(stage, layers, facts, path, registry)
    return Path(path)


def stage_geopackage(
    stage: OutputStage,
    layers: dict[str, gpd.GeoDataFrame],
    facts: pd.DataFrame,
    path: str | os.PathLike[str],
    registry: Registry | None = None,
    extra_layers: list | None = None,
) -> Path:
    """Stage a GeoPackage of every layer and the facts table in ``stage`` (see :func:`write_geopackage`).

    ``extra_layers`` (:class:`jmgeo.ExtraLayer`, layers of your own) are written after the
    atlas's layers, a large point layer in chunks (never one shapely point for each of its
    features at once), each with its default style when there is a ``registry``.
    """
    path = Path(path)
    extras = list(extra_layers or [])

    def write(tmp: Path) -> None:
        expected: dict[str, int] = {}
        # SQLite's per-transaction syncs cost ~0.1 s a layer; the stage syncs the file once.
        options = {"OGR_CURRENT_DATE": GPKG_TIMESTAMP, "OGR_SQLITE_SYNCHRONOUS": "OFF"}
        previous = {key: pyogrio.get_gdal_config_option(key) for key in options}
        pyogrio.set_gdal_config_options(options)
        try:
            _write_gpkg_layers(layers, facts, tmp, expected, registry, path.name, extras)
        except RuntimeError as exc:  # pyogrio's errors; on a full disk GDAL reports a broken SQLite file
            raise OSError(
                f"{path}: the GeoPackage could not be written (disk full or folder not writable?): {exc}"
            ) from exc
        finally:
            pyogrio.set_gdal_config_options(previous)
        found = {str(name): pyogrio.read_info(tmp, layer=str(name))["features"] for name, _ in pyogrio.list_layers(tmp)}
        if found != expected:
            raise OSError(f"{path}: GeoPackage read back {found}, expected {expected}")

    return stage.write_with(path, write, suffix=".tmp.gpkg")


def _write_gpkg_layers(
    layers, facts, tmp: Path, expected: dict[str, int], registry: Registry | None, name_as_read: str, extras: list
) -> None:
    tables = [*((name, [frame]) for name, frame in layers.items())]
    tables += [(extra.id, extra.frames()) for extra in extras]
    tables.append(("facts", [facts]))
    if "feature_ids" in facts.columns:  # a facts table of the caller's own may have no links
        tables.append(("feature_facts", [feature_fact_links(facts)]))
    styles = None
    if registry is not None:
        city = layers.get(registry.city_layer)
        latitude = None if city is None or city.empty else reading_latitude(city.total_bounds)
        styles = style_table(registry, list(layers), extras, latitude)
    if styles is not None and len(styles):
        tables.append(("layer_styles", [styles]))
    for name, chunks in tables:
        for frame in chunks:
            # the first write creates the file: its dataset options (the version) apply to the whole file
            options = {"dataset_options": {"VERSION": GPKG_VERSION}} if not expected else {}
            if name == "layer_styles":
                options["layer_options"] = {"FID": "id"}  # QGIS's own layout of the table
            if name in expected:  # the next chunk of a large layer
                options["append"] = True
            pyogrio.write_dataframe(_gpkg_frame(frame), tmp, layer=name, driver="GPKG", **options)
            expected[name] = expected.get(name, 0) + len(frame)
    if registry is not None and registry.city_layer in layers and "feature_facts" in expected:
        _store_project(tmp, registry, layers, name_as_read)


def _store_project(tmp: Path, registry: Registry, layers, name_as_read: str) -> None:
    """Store the QGIS project in the file's ``qgis_projects`` table, as QGIS's "Save to GeoPackage" does.

    Its layers name the file as ``name_as_read`` (the final name, not the temp file's), beside the project.
    """
    import sqlite3  # deferred: only here

    infos = {name: pyogrio.read_info(tmp, layer=name) for name in layers}
    types = {name: info["geometry_type"] for name, info in infos.items()}
    fields = {name: ["fid", *(str(f) for f in info["fields"])] for name, info in infos.items()}
    extent = tuple(float(v) for v in layers[registry.city_layer].total_bounds)
    qgs = project_qgs(registry, types, extent, name_as_read, fields)
    with sqlite3.connect(tmp) as db:
        db.execute("CREATE TABLE qgis_projects (name TEXT PRIMARY KEY, metadata BLOB, content BLOB)")
        db.execute(
            "INSERT INTO qgis_projects VALUES (?, ?, ?)",
            # as QGIS writes them: the metadata as JSON text, the .qgz as hexadecimal text
            (PROJECT_NAME, project_metadata(GPKG_TIMESTAMP), project_qgz(qgs).hex()),
        )
    db.close()


def style_table(
    registry: Registry, layer_ids: list[str], extras: list | None = None, latitude: float | None = None
) -> pd.DataFrame:
    """The ``layer_styles`` rows (QGIS's layout): each registry layer's default QML and SLD style.

    A layer of your own (``extras``) gets the plain style the page gives it, in its colour. ``latitude``
    (the city's middle) sets the scale at which schematic areas change look (:func:`jmgeo._layer_styles.looks`).
    """
    specs = []
    for layer_id in layer_ids:
        try:
            specs.append(registry.layer(layer_id))
        except KeyError:  # a layer the registry does not know (the caller's own frame) has no style of ours
            continue
    for i, extra in enumerate(extras or []):
        color = user_color(extra, i, registry.user_palette)
        types = tuple(extra.geometry_types())
        specs.append(LayerSpec(extra.id, extra.title_zh, extra.title_en, "", "", types, color, role="user"))
    rows = []
    for spec in specs:
        layer_id = spec.id
        style = layer_style(spec, registry, latitude)
        rows.append(
            {
                "f_table_catalog": "",
                "f_table_schema": "",
                "f_table_name": layer_id,
                "f_geometry_column": "geom",
                "styleName": layer_id,
                "styleQML": style.qml,
                "styleSLD": style.sld,
                "useAsDefault": True,
                "description": style.description,
                "owner": "",
                "ui": None,
                # fixed, like every timestamp in the file, so that builds are byte-reproducible
                "update_time": pd.Timestamp(GPKG_TIMESTAMP),
            }
        )
    return pd.DataFrame(rows)


#: dBase limits that make Shapefile lose data silently.
SHAPEFILE_FIELD_BYTES = 10
SHAPEFILE_TEXT_BYTES = 254


def write_shapefile(frame: gpd.GeoDataFrame, path: str | os.PathLike[str]) -> Path:
    """Refuse to write a Shapefile, saying what this frame would lose; write GeoPackage or GeoJSON instead.

    A Shapefile's dBase table cuts field names at 10 bytes (a Chinese name is 3 bytes a
    character, so it is cut mid-character and the file may not read back), text at 254
    bytes, has no list, null-integer or date-time type, and needs a side ``.cpg`` file to
    say its encoding. jmgeo's layers have long field names, Chinese text, lists and
    nulls, so every Shapefile of them would be lossy: jmgeo refuses rather than write a
    file that silently differs from the data.

    Raises
    ------
    jmgeo._errors.JmgeoError
        Always, listing the losses for this frame and the alternatives.
    """
    losses = []
    for col in frame.columns:
        if col == frame.geometry.name:
            continue
        name_bytes = str(col).encode("utf-8")
        if len(name_bytes) > SHAPEFILE_FIELD_BYTES:
            cut = name_bytes[:SHAPEFILE_FIELD_BYTES].decode("utf-8", errors="replace")
            losses.append(f'field name "{col}" ({len(name_bytes)} bytes) would be cut to "{cut}"')
        values = frame[col].dropna()
        if values.map(lambda v: isinstance(v, (list, tuple))).any():
            losses.append(f'"{col}" holds lists, which dBase cannot store')
        long = values.map(lambda v: isinstance(v, str) and len(v.encode("utf-8")) > SHAPEFILE_TEXT_BYTES)
        if long.any():
            losses.append(f'"{col}" has {int(long.sum())} text value(s) longer than {SHAPEFILE_TEXT_BYTES} bytes')
    reason = (
        "; ".join(losses) if losses else "no loss found in this frame, but dBase has no null integers, times or lists"
    )
    raise JmgeoError(
        f"{path}: Shapefile refused: field names are limited to {SHAPEFILE_FIELD_BYTES} bytes "
        f"(Chinese names are cut mid-character) and text to {SHAPEFILE_TEXT_BYTES} bytes: {reason}. "
        "Write a GeoPackage (jmgeo.write_geopackage) or GeoJSON (jmgeo.write_geojson) instead; "
        "QGIS and ArcGIS read both."
    )
