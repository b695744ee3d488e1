"""Your own layer on the atlas: any vector file OGR reads, streamed feature by feature with fiona.

Inputs -> output: a file (Shapefile, GeoPackage, GeoJSON, FlatGeobuf, CSV with geometry ...)
and the datum its longitude/latitude are in (WGS84, GCJ-02 or BD-09; a projected file is
reprojected to WGS84 by fiona's CRS) -> an :class:`ExtraLayer` in WGS84.

A layer of points only is kept as a :class:`PointTable`: the positions in two float arrays
(16 bytes a point) and the attributes spooled to a temporary SQLite database on disk as they are read
(one pickled row a feature, the ids under a UNIQUE index that refuses a repeated one), never one
Python object a feature, so a million-point file is read in memory that grows only by its positions
(``bench/layer_memory.py``); the page, the search and the exports read the spool back in chunks.
Other layers become a GeoDataFrame. Every feature is checked as it is read: a feature that
cannot be read, has no geometry, an invalid one or coordinates outside -180..180 / -90..90
stops the read with one :class:`~jmgeo._errors.DataError` naming the file and the feature.
"""

from __future__ import annotations

import os
import pickle
import sqlite3
import weakref
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from shapely.geometry import shape

from ._crs import DATUMS, bd09_to_gcj02, gcj02_to_wgs84
from ._errors import DataError
from ._ids import id_problem

__all__ = ["ExtraLayer", "PointTable", "parse_layer_argument", "read_layer", "user_color"]

#: Points are converted to shapely objects this many at a time where a library needs them (exports).
CHUNK = 20_000


#: How a table of a multi-layer file is named after the file, as QGIS's data sources do
#: (``roads.gpkg|layername=roads``).
TABLE_MARK = "|layername="


def _split_table(path, file_layer):
    """``FILE|layername=TABLE`` -> ``(Path(FILE), TABLE)``; otherwise ``(Path(path), file_layer)``."""
    text = os.fspath(path)
    if file_layer is None and TABLE_MARK in text and not Path(text).exists():
        head, _, table = text.partition(TABLE_MARK)
        return Path(head), table
    return Path(text), file_layer


def _chosen_table(fiona, path: Path, table: str | int | None) -> str | int | None:
    """The table to read: the one asked for, else the only one; a file with several needs a choice."""
    try:
        tables = fiona.listlayers(path)
    except Exception as exc:  # not a vector file: fiona.open below says so with the driver's words
        del exc
        return table
    choose = f"choose one with {path}{TABLE_MARK}TABLE (--layer of jmgeo build or export) or file_layer= (read_layer)"
    if table is None and len(tables) > 1:
        raise DataError(str(path), None, f"has {len(tables)} layers ({', '.join(tables)}); {choose}")
    if isinstance(table, str) and table not in tables:
        raise DataError(str(path), None, f"has no layer {table!r}; its layers: {', '.join(tables)}")
    return table


class _Spool:
    """Attribute rows of a point layer in a temporary SQLite database: ``(index, id, pickled values)``.

    SQLite's private temporary database (opened with an empty file name) lives in a file of the
    temporary folder that is unlinked as it is made, so it is gone when the connection closes
    (when the spool is garbage collected), even if the process is killed; only its page cache
    (4 MB here) is in memory. ``fields`` are the attribute names in the order first seen; a row
    holds the values of the fields known when it was written (later ones read back as None).
    The UNIQUE index on ``fid`` refuses a repeated id as SQLite compares values (``1`` and
    ``"1"`` differ, as in Python; NULLs, features without an id, never clash).
    """

    BATCH = 20_000

    def __init__(self):
        # autocommit mode: the SAVEPOINTs below are the only transactions (Python opens none of its own)
        self.db = sqlite3.connect("", isolation_level=None)
        self.db.execute("PRAGMA cache_size = -4000")
        self.db.execute("PRAGMA journal_mode = MEMORY")  # (OFF would leave ROLLBACK undefined)
        self.db.execute("PRAGMA synchronous = OFF")
        self.db.execute("CREATE TABLE f (i INTEGER PRIMARY KEY, fid UNIQUE, v BLOB)")
        self.fields: list[str] = []
        self._known: dict[str, int] = {}
        self._batch: list[tuple] = []
        self.n = 0
        self._finalizer = weakref.finalize(self, self.db.close)

    def add(self, props: dict, where) -> None:
        """Spool one feature's attributes; ``where(index)`` names it in a repeated-id error."""
        for key in props:
            if key not in self._known:
                self._known[key] = len(self.fields)
                self.fields.append(key)
        fid = props.get("id")
        if fid == "":
            fid = None
        elif fid is not None and not isinstance(fid, (str, int, float)):
            fid = str(fid)
        values = tuple(props.get(k) for k in self.fields)
        self._batch.append((self.n, fid, pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL)))
        self.n += 1
        if len(self._batch) >= self.BATCH:
            self.flush(where)

    def flush(self, where) -> None:
        """Write the batch; on a repeated id find the first feature that repeats one and raise."""
        batch, self._batch = self._batch, []
        self.db.execute("SAVEPOINT batch")
        try:
            self.db.executemany("INSERT INTO f VALUES (?, ?, ?)", batch)
        except sqlite3.IntegrityError:
            self.db.execute("ROLLBACK TO batch")
            for row in batch:  # one at a time: the first row refused is the first repeat
                try:
                    self.db.execute("INSERT INTO f VALUES (?, ?, ?)", row)
                except sqlite3.IntegrityError:
                    raise where(row[0], row[1]) from None
        self.db.execute("RELEASE batch")

    def rows(self, start: int, stop: int) -> list[tuple]:
        """The value tuples of features ``start`` to ``stop``, padded to every field."""
        width = len(self.fields)
        out = []
        for (blob,) in self.db.execute("SELECT v FROM f WHERE i >= ? AND i < ? ORDER BY i", (start, stop)):
            values = pickle.loads(blob)
            out.append(values + (None,) * (width - len(values)))
        return out


@dataclass
class PointTable:
    """A point layer in flat memory: WGS84 positions as two float arrays, attributes by column.

    ``columns`` maps each attribute name to a list (or array) as long as the positions; a layer
    read from a file (:func:`read_layer`) keeps its attributes in a spool on disk instead and
    leaves ``columns`` empty: read them with :meth:`fields`, :meth:`column` and :meth:`chunks`.
    Without an ``id`` column the ids are ``<id_prefix>-<index>``, made when asked for.
    """

    lon: np.ndarray
    lat: np.ndarray
    columns: dict[str, list] = field(default_factory=dict)
    id_prefix: str = "point"
    spool: _Spool | None = None

    def __len__(self) -> int:
        return len(self.lon)

    def fields(self) -> list[str]:
        """The attribute names, in the file's order; ``name_zh``/``name_en`` taken from the file's name fields last."""
        if self.spool is None:
            return list(self.columns)
        names = list(self.spool.fields)
        return names + [target for target in _NAME_FIELDS if target not in names and _name_source(target, names)]

    def chunks(self, names: list[str] | None = None, chunk: int = CHUNK) -> Iterator[tuple[int, dict[str, list]]]:
        """``(start, {name: values})`` for successive runs of at most ``chunk`` features, every feature once.

        ``names`` defaults to :meth:`fields`; ``id`` is always given (made where the file has none).
        """
        names = self.fields() if names is None else list(names)
        for start in range(0, max(len(self), 1), chunk):
            stop = min(start + chunk, len(self))
            if self.spool is None:
                part = {k: list(self.columns[k][start:stop]) for k in names if k in self.columns}
            else:
                part = self._spooled(names, start, stop)
            given = part.get("id")
            if given is None:
                part["id"] = [f"{self.id_prefix}-{i}" for i in range(start, stop)]
            elif self.spool is not None:
                part["id"] = [_id_text(v, self.id_prefix, i) for i, v in enumerate(given, start)]
            yield start, part

    def _spooled(self, names: list[str], start: int, stop: int) -> dict[str, list]:
        spool = self.spool
        rows = spool.rows(start, stop)
        part = {}
        for name in names:
            source = name if name in spool._known else _name_source(name, spool.fields)
            if source is None:
                continue
            column = [row[spool._known[source]] for row in rows]
            part[name] = column if source == name else [None if v is None else str(v) for v in column]
        return part

    def column(self, name: str) -> list:
        """One attribute of every feature as a list (held whole: for small layers and tests)."""
        return [v for _, part in self.chunks([name]) for v in part.get(name, [])]

    def ids(self, start: int = 0, stop: int | None = None) -> list[str]:
        """The features' ids from ``start`` to ``stop``."""
        stop = len(self) if stop is None else stop
        if self.spool is None and "id" in self.columns:
            return [str(v) for v in self.columns["id"][start:stop]]
        if self.spool is None:
            return [f"{self.id_prefix}-{i}" for i in range(start, stop)]
        out = []
        for first, part in self.chunks(["id"]):
            if first < stop and first + len(part["id"]) > start:
                out += part["id"][max(start - first, 0) : stop - first]
        return out

    def frames(self, chunk: int = CHUNK) -> Iterator[gpd.GeoDataFrame]:
        """The table as GeoDataFrames of at most ``chunk`` rows each (for writers that need shapely)."""
        for start, part in self.chunks(chunk=chunk):
            stop = start + len(part["id"])
            cols = {"id": part.pop("id"), **part}
            points = shapely.points(self.lon[start:stop], self.lat[start:stop])
            yield gpd.GeoDataFrame(cols, geometry=points, crs=4326)


@dataclass
class ExtraLayer:
    """A layer of your own to draw on the atlas map (and, in a build, to export with the rest).

    Parameters
    ----------
    id : str
        Layer id (snake_case, not one of the registry's layers).
    frame : GeoDataFrame or None
        The features, in any CRS (converted to WGS84). Columns named like the atlas's
        (``id``, ``name_zh``, ``name_en``, ``kind``, ``note`` ...) show in tooltips and popups.
        None when ``points`` holds the layer.
    title_zh, title_en : str
        Names in the layer control and the legend.
    color : str, optional
        CSS colour of the features; by default the next colour of ``user_layer_palette`` in
        ``geodata/layers.json``.
    points : PointTable, optional
        A point layer in flat memory instead of ``frame`` (what :func:`read_layer` makes of a
        file of points).
    text_fields : dict, optional
        Fields the file declares as ``date``, ``time`` or ``datetime`` that are held (and
        exported) as ISO 8601 text, as fiona reads them: ``{field: type}``, set by :func:`read_layer`.

    Examples
    --------
    >>> import geopandas as gpd, jmgeo
    >>> from shapely.geometry import Point
    >>> mine = gpd.GeoDataFrame({"id": ["p1"], "name_zh": ["我的点"]}, geometry=[Point(113.08, 22.58)], crs=4326)
    >>> m = jmgeo.make_map(extra_layers=[jmgeo.ExtraLayer("my_points", mine, "我的点", "My points")])
    >>> "我的点" in jmgeo._webmap.map_html(m)
    True
    """

    id: str
    frame: gpd.GeoDataFrame | None
    title_zh: str
    title_en: str = ""
    color: str | None = None
    points: PointTable | None = None
    text_fields: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.points) if self.points is not None else len(self.frame)

    def wgs84(self) -> gpd.GeoDataFrame:
        """The features as one WGS84 GeoDataFrame (for a ``points`` layer: made here, one shapely point each)."""
        if self.points is not None:
            return pd.concat(list(self.points.frames()), ignore_index=True)
        return self.frame.to_crs(4326)

    def frames(self, chunk: int = CHUNK) -> Iterator[gpd.GeoDataFrame]:
        """The features as WGS84 GeoDataFrames of at most ``chunk`` rows each, for writers that stream them."""
        if self.points is not None:
            yield from self.points.frames(chunk)
            return
        frame = self.wgs84()
        for start in range(0, max(len(frame), 1), chunk):
            yield frame.iloc[start : start + chunk]

    def geometry_types(self) -> list[str]:
        """The geometry types of the features, sorted."""
        if self.points is not None:
            return ["Point"]
        return sorted(set(self.frame.geometry.geom_type.dropna()))


def user_color(extra: ExtraLayer, index: int, palette: tuple[str, ...]) -> str:
    """The colour of the ``index``-th layer of your own: its own, else the palette's next (``user_layer_palette``)."""
    return extra.color or palette[index % len(palette)]


#: Names read from a file's fields into the atlas's own columns, first present wins.
_NAME_FIELDS = {"name_zh": ("name_zh", "name", "NAME", "Name", "名称"), "name_en": ("name_en", "NAME_EN")}


def _datum_name(text: str) -> str | None:
    """``gcj02``, ``GCJ-02``, ``bd09`` ... -> the datum as :data:`jmgeo._crs.DATUMS` spells it."""
    squashed = text.replace("-", "").replace("_", "").upper()
    return next((d for d in DATUMS if d.replace("-", "") == squashed), None)


def parse_layer_argument(text: str) -> tuple[Path, str | None, str]:
    """Read ``FILE[|layername=TABLE][:NAME][@DATUM]`` (``jmgeo build --layer``) into ``(file, name or None, datum)``.

    ``NAME`` is the layer id (snake_case); ``DATUM`` one of WGS84, GCJ-02, BD-09 (any case,
    the hyphen optional; WGS84 by default). A path that exists as it is is never split.
    ``FILE|layername=TABLE`` (a table of a multi-layer file, QGIS's spelling) is kept whole in
    the path: :func:`read_layer` splits it.

    Examples
    --------
    >>> parse_layer_argument("shops.shp:my_shops@gcj02")
    (PosixPath('shops.shp'), 'my_shops', 'GCJ-02')
    >>> parse_layer_argument("poi.gpkg")
    (PosixPath('poi.gpkg'), None, 'WGS84')
    >>> parse_layer_argument("city.gpkg|layername=roads:my_roads")
    (PosixPath('city.gpkg|layername=roads'), 'my_roads', 'WGS84')
    """
    rest, datum = text, "WGS84"
    if not Path(rest).exists() and "@" in rest:
        head, _, tail = rest.rpartition("@")
        known = _datum_name(tail)
        if known is None:
            raise DataError(text, None, f"unknown datum {tail!r} after @; give one of {', '.join(DATUMS)}")
        rest, datum = head, known
    name = None
    if not Path(rest).exists() and ":" in rest:
        head, _, tail = rest.rpartition(":")
        problem = id_problem(tail, "layer name")
        if problem:
            raise DataError(text, None, f"{problem} (after the : in FILE:NAME)")
        rest, name = head, tail
    return Path(rest), name, datum


def _layer_id(path: Path) -> str:
    """A layer id from a file name: ``My Shops-2024.shp`` -> ``my_shops_2024``."""
    stem = "".join(ch if ch.isascii() and ch.isalnum() else "_" for ch in path.stem.lower()).strip("_")
    stem = "_".join(part for part in stem.split("_") if part)
    if not stem or not stem[0].isalpha():
        stem = f"layer_{stem}".rstrip("_")
    return stem[:64]


def _where(index: int, props: dict) -> str:
    fid = props.get("id")
    return f"feature {index}" + (f" (id {fid!r})" if fid not in (None, "") else "")


def _to_wgs84(lon: np.ndarray, lat: np.ndarray, datum: str) -> tuple[np.ndarray, np.ndarray]:
    if datum == "GCJ-02":
        return gcj02_to_wgs84(lon, lat)
    if datum == "BD-09":
        return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))
    return lon, lat


def _check_coords(coords: np.ndarray, file: str, where: str) -> None:
    if not np.isfinite(coords).all():
        raise DataError(file, where, "a coordinate is not a number (NaN or infinite)")
    bad = (np.abs(coords[:, 0]) > 180) | (np.abs(coords[:, 1]) > 90)
    if bad.any():
        x, y = coords[np.argmax(bad)]
        raise DataError(
            file, where, f"coordinate ({x:g}, {y:g}) is outside longitude -180..180 / latitude -90..90: not lon/lat"
        )


def read_layer(
    path: str | os.PathLike[str],
    *,
    layer_id: str | None = None,
    datum: str = "WGS84",
    title_zh: str | None = None,
    title_en: str = "",
    color: str | None = None,
    file_layer: str | int | None = None,
) -> ExtraLayer:
    """Read a vector file (any format OGR reads) into an :class:`ExtraLayer`, feature by feature.

    Parameters
    ----------
    path : path
        The file (a Shapefile's ``.shp``, a GeoPackage, GeoJSON ...).
    layer_id : str, optional
        The layer's id (snake_case); by default made from the file name.
    datum : {"WGS84", "GCJ-02", "BD-09"}
        The datum of the file's longitude/latitude. GCJ-02 (Amap, Tencent) and BD-09 (Baidu)
        are converted to WGS84 as they are read (:mod:`jmgeo._crs`). A file in a projected
        CRS is first reprojected to WGS84 longitude/latitude, then converted.
    title_zh, title_en : str, optional
        The layer's names in the legend (by default the layer id).
    color : str, optional
        CSS colour (by default the next of ``user_layer_palette`` in ``geodata/layers.json``).
    file_layer : str or int, optional
        Which layer of a file holding several (a GeoPackage's tables): its name or index. A
        file with several layers and none chosen is an error that lists them (read each one
        you want as a layer of its own); ``path`` may also name it QGIS's way,
        ``"file.gpkg|layername=roads"``. The layer id is then made from the table's name.

    Feature names are read from the fields ``name_zh`` (or ``name``, ``NAME``, ``名称``) and
    ``name_en``; ids from ``id`` (else ``<layer id>-<feature index>``). Every field is kept.

    Raises
    ------
    jmgeo.DataError
        Naming the file, and the feature (its index, and its id if it has one), when the
        file cannot be opened, a feature cannot be read, has no or an invalid geometry, or
        a coordinate outside longitude/latitude range; also on a repeated id.

    Examples
    --------
    >>> import json, pathlib, tempfile, jmgeo
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "shops.geojson"
    >>> point = {"type": "Point", "coordinates": [113.08, 22.58]}
    >>> feature = {"type": "Feature", "properties": {"name": "店"}, "geometry": point}
    >>> _ = path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), encoding="utf-8")
    >>> layer = jmgeo.read_layer(path, datum="GCJ-02")
    >>> layer.id, len(layer), round(float(layer.points.lon[0]), 4)
    ('shops', 1, 113.0746)
    """
    path, table = _split_table(path, file_layer)
    file = str(path)
    known = _datum_name(datum)
    if known is None:
        raise DataError(file, None, f"unknown datum {datum!r}; give one of {', '.join(DATUMS)}")
    layer_id = layer_id or _layer_id(Path(str(table)) if isinstance(table, str) else path)
    problem = id_problem(layer_id, "layer id")
    if problem:
        raise DataError(file, None, problem)
    if not path.exists():
        raise DataError(file, None, "no such file")
    import fiona  # deferred: only a build with a layer of your own reads one (~0.1 s of import)

    table = _chosen_table(fiona, path, table)
    try:
        source = fiona.open(path, layer=table)
    except Exception as exc:  # fiona's DriverError, ValueError for a missing layer ...
        raise DataError(file, None, f"cannot be read as a vector file: {exc}") from None
    with source:
        points, frame = _read_features(source, file, layer_id, known)
        declared = dict(source.schema.get("properties") or {})
    # fiona gives dates and times as ISO 8601 text; the exports say so rather than change the type silently
    text_fields = {k: t for k, t in declared.items() if t.split(":")[0] in ("date", "time", "datetime")}
    title = title_zh if title_zh is not None else layer_id
    return ExtraLayer(layer_id, frame, title, title_en, color, points, text_fields)


def _read_features(source, file: str, layer_id: str, datum: str):
    """Stream ``source``: ``(PointTable, None)`` for points only, else ``(None, GeoDataFrame)``."""
    # A projected file is reprojected by GDAL/PROJ through fiona, feature by feature.
    crs = source.crs
    reproject = bool(crs) and not _is_lonlat(crs)
    xs, ys = array("d"), array("d")
    geoms: list | None = None  # shapely geometries, once a feature is not a point
    spool = _Spool()
    iterator = iter(source)
    index = 0

    def repeated(i: int, fid) -> DataError:  # the spool found feature i's id among the earlier ones
        return DataError(file, _where(i, {"id": fid}), f"id {fid!r} repeats an earlier feature's")

    while True:
        try:
            feature = next(iterator)
        except StopIteration:
            break
        except Exception as exc:  # a record fiona/GDAL cannot decode
            raise DataError(file, f"feature {index}", f"cannot be read: {exc}") from None
        props = dict(feature.properties or {})
        geometry = feature.geometry
        if geometry is None:
            raise DataError(file, _where(index, props), "has no geometry")
        if reproject:
            geometry = _reprojected(geometry, crs, file, _where(index, props))
        if geometry.type == "Point" and geoms is None:
            x, y = geometry.coordinates[:2]
            # (a NaN fails both comparisons too) the common case without NumPy: a million of these
            if not (-180.0 <= x <= 180.0 and -90.0 <= y <= 90.0):
                _check_coords(np.array([[x, y]], dtype=float), file, _where(index, props))
            xs.append(x)
            ys.append(y)
        else:
            if geoms is None:  # the first non-point: the points so far become shapely points
                geoms = list(shapely.points(np.frombuffer(xs), np.frombuffer(ys)))
            geoms.append(_geometry(geometry, file, _where(index, props)))
        spool.add(props, repeated)
        index += 1
    spool.flush(repeated)
    if index == 0:
        raise DataError(file, None, "has no features")
    if geoms is None:
        # converted in place, a chunk at a time: the datum formula's temporaries stay the size of one chunk
        lon, lat = np.frombuffer(xs), np.frombuffer(ys)
        if datum != "WGS84":
            for start in range(0, len(lon), CHUNK):
                part = slice(start, start + CHUNK)
                lon[part], lat[part] = _to_wgs84(lon[part], lat[part], datum)
        return PointTable(lon, lat, id_prefix=layer_id, spool=spool), None
    rows = spool.rows(0, index)
    data = {name: [row[k] for row in rows] for k, name in enumerate(spool.fields)}
    _fill_names_and_ids(data, index, layer_id)
    frame = gpd.GeoDataFrame(data, geometry=geoms, crs=4326)
    if datum != "WGS84":
        frame = frame.set_geometry([_shift(g, datum) for g in frame.geometry], crs=4326)
    return None, frame


def _is_lonlat(crs) -> bool:
    try:
        return CRS.from_user_input(crs.to_wkt()).is_geographic
    except Exception:  # a CRS PROJ cannot read: taken as longitude/latitude, checked by range
        return False


def _reprojected(geometry, crs, file: str, where: str):
    from fiona.transform import transform_geom  # deferred: as in read_layer

    try:
        return transform_geom(crs, "EPSG:4326", geometry)
    except Exception as exc:
        raise DataError(file, where, f"cannot be reprojected to WGS84: {exc}") from None


def _geometry(geometry, file: str, where: str):
    try:
        geom = shape(geometry)
    except Exception as exc:  # shapely refuses e.g. a ring of fewer than 4 points
        raise DataError(file, where, f"broken geometry: {exc}") from None
    if geom.is_empty:
        raise DataError(file, where, "has an empty geometry")
    _check_coords(shapely.get_coordinates(geom), file, where)
    if not geom.is_valid:
        raise DataError(file, where, f"invalid geometry: {shapely.is_valid_reason(geom)}")
    return geom


def _shift(geom, datum: str):
    return shapely.transform(geom, lambda c: np.column_stack(_to_wgs84(c[:, 0], c[:, 1], datum)))


def _name_source(target: str, fields: list[str]) -> str | None:
    """The file's field that gives the atlas's ``target`` name (``name_zh`` from ``name`` ...), if any."""
    return next((c for c in _NAME_FIELDS.get(target, ()) if c in fields), None)


def _id_text(value, prefix: str, index: int) -> str:
    """A feature's id as written: its own as text, else ``<layer id>-<index>``."""
    return str(value) if value is not None and value != "" else f"{prefix}-{index}"


def _fill_names_and_ids(data: dict[str, list], n: int, layer_id: str) -> None:
    """Give every feature of a non-point layer an ``id`` and the atlas's ``name_zh``/``name_en`` from the file's
    name fields (a point layer does the same as it is read back: :meth:`PointTable.chunks`)."""
    for target in _NAME_FIELDS:
        if target not in data:
            source = _name_source(target, list(data))
            if source is not None:
                data[target] = [None if v is None else str(v) for v in data[source]]
    ids = data.get("id") or [None] * n
    data["id"] = [_id_text(v, layer_id, i) for i, v in enumerate(ids)]
