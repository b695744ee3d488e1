"""Writers for the map page, GeoJSON and GeoPackage: temp file, verify, rename.

Every output is rendered in memory first, written to a temporary file in the target
folder, flushed to disk, read back and checked, and only then renamed over the old
file (``os.replace`` is atomic on one file system). A failure at any step leaves the
previous file byte for byte and removes the temporary file.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

__all__ = [
    "OutputStage",
    "atomic_write",
    "geojson_text",
    "json_value",
    "staged_outputs",
    "verify_geojson",
    "write_geojson",
    "write_geopackage",
    "write_map",
    "write_shapefile",
]

#: GeoPackage files store a timestamp; a fixed one keeps builds byte-reproducible.
GPKG_TIMESTAMP = "2000-01-01T00:00:00Z"


def _new_file_mode(path: Path) -> int:
    """The permissions a replaced file keeps, or what a plain ``open()`` would give a new one."""
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


class OutputStage:
    """Outputs written as verified temp files, then renamed into place together.

    Each :meth:`write` (or :meth:`geopackage`) puts a complete, synced and read-back
    temp file beside its target; nothing visible changes until :meth:`commit` renames
    them all (``os.replace``, atomic on one file system, needs no free space). So a
    failure while any output is still being produced (an exception, a full disk, a
    read-only folder) leaves *every* previous output byte for byte. Use it through
    :func:`staged_outputs`.
    """

    def __init__(self):
        self._staged: list[tuple[Path, Path]] = []
        self.paths: list[Path] = []

    def _temp_for(self, path: Path, suffix: str = ".tmp") -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
        os.close(fd)
        return Path(tmp_name)

    def write(self, path: str | os.PathLike[str], data: bytes, verify: Callable[[Path], None] | None = None) -> Path:
        """Stage ``data`` for ``path``: write a temp file, fsync, read back, run ``verify``."""
        path = Path(path)
        tmp = self._temp_for(path)
        self._staged.append((tmp, path))
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if tmp.read_bytes() != data:
            raise OSError(f"{path}: the file was not written completely")
        if verify is not None:
            verify(tmp)
        os.chmod(tmp, _new_file_mode(path))
        return path

    def geopackage(self, layers: dict[str, gpd.GeoDataFrame], facts: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
        """Stage a GeoPackage of every layer and the facts table (see :func:`write_geopackage`)."""
        path = Path(path)
        tmp = self._temp_for(path, suffix=".tmp.gpkg")
        self._staged.append((tmp, path))
        tmp.unlink()  # GDAL creates the file itself
        expected: dict[str, int] = {}
        # SQLite's per-transaction syncs cost ~0.1 s per layer (0.75 s of a build); the temp
        # file is synced once below, before the rename, and discarded if anything fails.
        options = {"OGR_CURRENT_DATE": GPKG_TIMESTAMP, "OGR_SQLITE_SYNCHRONOUS": "OFF"}
        previous = {key: pyogrio.get_gdal_config_option(key) for key in options}
        pyogrio.set_gdal_config_options(options)
        try:
            _write_gpkg_layers(layers, facts, tmp, expected)
        except RuntimeError as exc:  # pyogrio's errors; on a full disk GDAL reports a broken SQLite file
            raise OSError(f"{path}: the GeoPackage could not be written (disk full or folder not writable?): {exc}") from exc
        finally:
            pyogrio.set_gdal_config_options(previous)
        found = {str(name): pyogrio.read_info(tmp, layer=str(name))["features"] for name, _ in pyogrio.list_layers(tmp)}
        if found != expected:
            raise OSError(f"{path}: GeoPackage read back {found}, expected {expected}")
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, _new_file_mode(path))
        return path

    def commit(self) -> list[Path]:
        """Rename every staged file over its target, in the order staged; return the targets."""
        folders = set()
        while self._staged:
            tmp, path = self._staged[0]
            os.replace(tmp, path)
            self._staged.pop(0)
            self.paths.append(path)
            folders.add(path.parent)
        for folder in folders:  # make the renames themselves durable
            try:
                fd = os.open(folder, os.O_RDONLY)
            except OSError:
                continue
            try:
                os.fsync(fd)
            except OSError:
                pass
            finally:
                os.close(fd)
        return self.paths

    def discard(self) -> None:
        """Remove every staged temp file (and GDAL's side files); the targets are untouched."""
        for tmp, _path in self._staged:
            for leftover in tmp.parent.glob(_glob_escape(tmp.name) + "*"):
                leftover.unlink(missing_ok=True)
        self._staged.clear()


def _glob_escape(name: str) -> str:
    """Escape ``*?[`` in a file name for :meth:`pathlib.Path.glob`."""
    return re.sub(r"([*?\[])", r"[\1]", name)


@contextmanager
def staged_outputs():
    """Stage several outputs and replace them together when the block ends without an error.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with staged_outputs() as stage:
    ...     _ = stage.write(folder / "a.txt", b"a")
    ...     _ = stage.write(folder / "b.txt", b"b")
    >>> sorted(p.name for p in folder.iterdir())
    ['a.txt', 'b.txt']
    """
    stage = OutputStage()
    try:
        yield stage
        stage.commit()
    except BaseException:
        stage.discard()
        raise


def atomic_write(path: str | os.PathLike[str], data: bytes, verify: Callable[[Path], None] | None = None) -> Path:
    """Write ``data`` to ``path`` atomically, checking the written temp file first.

    The temp file is read back and must equal ``data`` (a short write on a full disk
    fails here); ``verify`` may check more. A replaced file keeps its permissions; a new
    one gets the usual ``0666 & ~umask``.

    Parameters
    ----------
    path : path
        The target file. Its folder is created if missing.
    data : bytes
        The complete file content.
    verify : callable, optional
        Called with the temp file's path after it is written, synced and compared; it
        raises to reject the file (the old file then stays as it was).
    """
    with staged_outputs() as stage:
        stage.write(path, data, verify)
    return Path(path)


def write_map(fmap, path: str | os.PathLike[str]) -> Path:
    """Render a folium map to memory and write it atomically as a self-contained HTML page."""
    from .webmap import map_html

    return atomic_write(path, map_html(fmap).encode("utf-8"))


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


def _rfc7946_geometry(geom, decimals: int) -> str:
    """The geometry as GeoJSON text: exterior rings counter-clockwise, holes clockwise (RFC 7946)."""
    if geom is None:
        return "null"
    if geom.geom_type in ("Polygon", "MultiPolygon", "GeometryCollection"):
        geom = shapely.orient_polygons(geom, exterior_cw=False)
    # GEOS's GeoJSON writer: ~4x faster than shapely's mapping() and json.dumps for the
    # 20,000-vertex boundaries, with the same numbers once rounded to ``decimals``.
    return shapely.to_geojson(shapely.transform(geom, lambda c: np.round(c, decimals)))


def geojson_text(frame: gpd.GeoDataFrame, decimals: int = 7) -> str:
    """Return an RFC 7946 FeatureCollection for a WGS84 frame, one feature per line.

    Coordinates are longitude/latitude, exterior rings counter-clockwise, and there is
    no ``crs`` member. Every column becomes a property; list columns stay JSON arrays.
    """
    if frame.crs is None or frame.crs.to_epsg() != 4326:
        raise ValueError("GeoJSON export needs a frame in EPSG:4326 (WGS84)")
    columns = [c for c in frame.columns if c != frame.geometry.name]
    lines = []
    for row in frame.itertuples(index=False):
        values = row._asdict()
        props = {c: json_value(values[c]) for c in columns}
        head = json.dumps({"type": "Feature", "id": props.get("id"), "properties": props}, ensure_ascii=False, allow_nan=False)
        lines.append(head[:-1] + ', "geometry": ' + _rfc7946_geometry(values[frame.geometry.name], decimals) + "}")
    body = ",\n".join(lines)
    return '{"type": "FeatureCollection", "features": [\n' + body + "\n]}\n"


def verify_geojson(expected_ids: list) -> Callable[[Path], None]:
    """Return a check that a written GeoJSON file parses and holds exactly ``expected_ids``, in order."""

    def verify(tmp: Path) -> None:
        back = json.loads(tmp.read_text(encoding="utf-8"))
        got = [f["properties"]["id"] for f in back["features"]]
        if got != list(expected_ids):
            raise OSError(f"{tmp}: read back {len(got)} features, expected {len(expected_ids)}")

    return verify


def write_geojson(frame: gpd.GeoDataFrame, path: str | os.PathLike[str], decimals: int = 7) -> Path:
    """Write one layer as RFC 7946 GeoJSON atomically; the file is read back and its ids checked."""
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
            out[col] = out[col].map(lambda v: json.dumps(json_value(v), ensure_ascii=False) if isinstance(v, (list, tuple)) else v)
    return out


def write_geopackage(
    layers: dict[str, gpd.GeoDataFrame], facts: pd.DataFrame, path: str | os.PathLike[str]
) -> Path:
    """Write every layer and the non-spatial ``facts`` table to one GeoPackage, atomically.

    List columns (``aliases``, ``fact_ids``, ``feature_ids`` ...) are stored as JSON
    text. The file is built in a temp file, read back (layer names and row counts
    checked) and renamed into place.
    """
    with staged_outputs() as stage:
        stage.geopackage(layers, facts, path)
    return Path(path)


def _write_gpkg_layers(layers, facts, tmp: Path, expected: dict[str, int]) -> None:
    for name, frame in layers.items():
        pyogrio.write_dataframe(_gpkg_frame(frame), tmp, layer=name, driver="GPKG")
        expected[name] = len(frame)
    pyogrio.write_dataframe(_gpkg_frame(facts), tmp, layer="facts", driver="GPKG")
    expected["facts"] = len(facts)


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
    jmgeo.errors.JmgeoError
        Always, listing the losses for this frame and the alternatives.
    """
    from .errors import JmgeoError

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
    reason = "; ".join(losses) if losses else "no loss found in this frame, but dBase has no null integers, times or lists"
    raise JmgeoError(
        f"{path}: Shapefile refused: field names are limited to {SHAPEFILE_FIELD_BYTES} bytes "
        f"(Chinese names are cut mid-character) and text to {SHAPEFILE_TEXT_BYTES} bytes: {reason}. "
        "Write a GeoPackage (jmgeo.export.write_geopackage) or GeoJSON (write_geojson) instead; QGIS and ArcGIS read both."
    )
