"""Check everything in geodata/ and gather every problem, each naming its file and record.

:func:`check_geodata` never stops at the first problem: a reviewer sees the whole
list at once (the way ``jmgeo check`` prints it). :func:`raise_for_problems` turns a
non-empty list into one :class:`~jmgeo._errors.ValidationError`.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import shapely
from shapely.geometry import shape

from . import _crs as crs
from ._documents import normalize_text
from ._errors import DataError, JmgeoError, RepairWarning
from ._facts import DERIVED_FACT_COLUMNS, FACT_COLUMNS, OPTIONAL_FACT_KEYS, QUALIFIERS, YEAR_BASES, parse_amount
from ._geodata import GeoData
from ._geometry import build_geometries, record_where, repair_geometry
from ._ids import id_problem
from ._jsonfile import refuse_yaml
from ._pages import parse_basemaps, parse_pages, parse_story
from ._tally import RecordTally
from ._unicode import invisible_characters

__all__ = ["CheckReport", "check_data"]

_GEOMETRY_TYPES = {"Point", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}
_REQUIRED_PLACE = ("id", "name_zh", "name_en", "aliases", "kind", "precision", "position", "mentions")
_REQUIRED_POSITION = ("datum", "source", "method", "uncertainty_m")
# every fact column but those the loader adds (doc, the interpretation's columns) or that are optional
_REQUIRED_FACT = tuple(c for c in FACT_COLUMNS if c not in DERIVED_FACT_COLUMNS + OPTIONAL_FACT_KEYS)


@dataclass
class CheckReport:
    """What :func:`check_geodata` found: problems, record counts and notes (e.g. skipped checks)."""

    problems: list[DataError] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: records that are used after a repair (a warning each, naming file and record)
    repairs: list[DataError] = field(default_factory=list)
    #: read = ok + repaired + rejected, over place, district and fact records
    tally: RecordTally = field(default_factory=RecordTally)

    @property
    def ok(self) -> bool:
        return not self.problems


def _positions(coords):
    """Yield every [x, y] position in a GeoJSON coordinates array."""
    if isinstance(coords, (list, tuple)) and coords and not isinstance(coords[0], (list, tuple)):
        yield coords
        return
    for part in coords or []:
        yield from _positions(part)


def _check_coordinates(geometry: dict, datum: str) -> tuple[list[str], str | None]:
    """Return the problems of a record's own GeoJSON geometry, and a repair note if it is used repaired."""
    problems = []
    if not isinstance(geometry, dict):
        return ['geometry must be a GeoJSON geometry object {"type": ..., "coordinates": [...]}'], None
    gtype = geometry.get("type")
    if gtype not in _GEOMETRY_TYPES:
        if isinstance(gtype, str) and gtype.lower() in ("feature", "featurecollection"):
            return [
                f'geometry has type "{gtype}": give the geometry itself '
                '(the Feature\'s "geometry" member), not a Feature'
            ], None
        proper = {t.lower(): t for t in _GEOMETRY_TYPES}.get(str(gtype).lower())
        hint = (
            f' (GeoJSON type names are case-sensitive: write "{proper}")'
            if proper
            else " (a circle or zone is a Point with area_radius_m)"
        )
        return [f'geometry type "{gtype}" is not one of {sorted(_GEOMETRY_TYPES)}{hint}'], None
    coords = geometry.get("coordinates")
    if not coords:
        return ["geometry is empty (no coordinates); give the coordinates or remove the record"], None
    for pos in _positions(coords):
        if (
            not isinstance(pos, (list, tuple))
            or len(pos) < 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in pos[:2])
        ):
            hint = (
                " (numbers are written without quotes)"
                if isinstance(pos, (list, tuple)) and any(isinstance(v, str) for v in pos)
                else ""
            )
            problems.append(f"coordinate {pos!r} is not a pair of numbers [lon, lat]{hint}")
            break
        lon, lat = float(pos[0]), float(pos[1])
        if not (math.isfinite(lon) and math.isfinite(lat)):
            problems.append(f"coordinate {pos!r} is not finite")
            break
        if abs(lat) > 90 and abs(lat) <= 180 and abs(lon) <= 90:
            problems.append(
                f"coordinate {pos!r} looks like [lat, lon]; GeoJSON order is [lon, lat]: swap the two numbers"
            )
            break
        if abs(lon) > 180 or abs(lat) > 90:
            problems.append(
                f"coordinate {pos!r} is outside lon/lat range: projected metres? "
                "Give degrees [lon, lat] in the datum named by position.datum"
            )
            break
    if problems:
        return problems, None
    if gtype == "Polygon" or gtype == "MultiPolygon":
        rings = [coords] if gtype == "Polygon" else coords
        for poly in rings:
            for ring in poly:
                if len(ring) < 4 or list(ring[0]) != list(ring[-1]):
                    problems.append(
                        "polygon ring is not closed: repeat the first position at the end "
                        "(a ring needs at least 4 positions)"
                    )
                    return problems, None
    if gtype in ("LineString",) and len(coords) < 2:
        problems.append("a LineString needs at least 2 positions")
    if datum not in crs.DATUMS:
        problems.append(f'position.datum "{datum}" is not one of {", ".join(crs.DATUMS)}')
    note = None
    if not problems:
        try:
            _geom, note = repair_geometry(shape(geometry))
        except ValueError as exc:
            problems.append(str(exc))
    return problems, note


# Chinese web maps publish obfuscated coordinates: a point read off one of them is not WGS84.
# Only the URL's host and the source's name are used (notes discussing a possible offset are fine).
_WEBMAP_HOSTS = {
    "amap.com": ("Amap (高德地图)", "GCJ-02"),
    "gaode.com": ("Amap (高德地图)", "GCJ-02"),
    "autonavi.com": ("Amap (高德地图)", "GCJ-02"),
    "map.qq.com": ("Tencent Maps (腾讯地图)", "GCJ-02"),
    "lbs.qq.com": ("Tencent Maps (腾讯地图)", "GCJ-02"),
    "map.baidu.com": ("Baidu Maps (百度地图)", "BD-09"),
    "lbsyun.baidu.com": ("Baidu Maps (百度地图)", "BD-09"),
}
_WEBMAP_NAMES = [
    (re.compile(r"高德|amap|autonavi", re.I), ("Amap (高德地图)", "GCJ-02")),
    (re.compile(r"腾讯地图|tencent map|qq地图", re.I), ("Tencent Maps (腾讯地图)", "GCJ-02")),
    (re.compile(r"百度地图|baidu map", re.I), ("Baidu Maps (百度地图)", "BD-09")),
    (re.compile(r"gcj-?02|火星坐标", re.I), ("a GCJ-02 source", "GCJ-02")),
    (re.compile(r"bd-?09", re.I), ("a BD-09 source", "BD-09")),
]
_CONVERTED = re.compile(r"convert|转换|转为|纠偏", re.I)


def _check_datum_source(pos: dict) -> str | None:
    """Flag a position declared WGS84 whose source is a Chinese web map (GCJ-02 / BD-09)."""
    if pos.get("datum") != "WGS84" or _CONVERTED.search(str(pos.get("method") or "")):
        return None
    found = None
    host = (urlsplit(str(pos.get("url") or "")).hostname or "").lower()
    for domain, what in _WEBMAP_HOSTS.items():
        if host == domain or host.endswith("." + domain):
            found, via = what, f"its url ({host})"
    for pattern, what in _WEBMAP_NAMES:
        if found is None and pattern.search(str(pos.get("source") or "")):
            found, via = what, "position.source"
    if found is None:
        return None
    name, datum = found
    return (
        f"position.datum is WGS84, but {via} names {name}, which publishes {datum} coordinates "
        f'(several hundred metres off in Jiangmen): set "datum": "{datum}" (jmgeo converts on load), '
        "or say in position.method how the point was converted to WGS84"
    )


class _Collector:
    def __init__(self):
        self.problems: list[DataError] = []
        self.repairs: list[DataError] = []
        self.rejected: set[int] = set()  # id() of the records with a problem
        self.repaired: set[int] = set()

    def add(self, file: str, record: str | None, message: str, rec: dict | None = None):
        self.problems.append(DataError(file, record, message))
        if rec is not None:
            self.rejected.add(id(rec))

    def repair(self, rec: dict, message: str):
        self.repairs.append(DataError(rec["_file"], record_where(rec), message))
        self.repaired.add(id(rec))


def _check_place_fields(rec: dict, reg, known_docs, docs, out: _Collector) -> bool:
    """Check a place record's names, precision, position, geometry and mentions; False if it cannot be used."""
    f, where = rec["_file"], record_where(rec)
    for key in ("name_zh", "name_en", "kind"):
        if not isinstance(rec[key], str) or not rec[key].strip():
            out.add(f, where, f'"{key}" must be a non-empty string', rec=rec)
    if not isinstance(rec["aliases"], list) or not all(isinstance(a, str) for a in rec["aliases"]):
        out.add(f, where, '"aliases" must be a list of strings', rec=rec)
    for key, text in [
        ("name_zh", rec["name_zh"]),
        ("name_en", rec["name_en"]),
        *(("aliases", a) for a in (rec["aliases"] if isinstance(rec["aliases"], list) else [])),
    ]:
        found = invisible_characters(text) if isinstance(text, str) else []
        if found:
            out.add(f, where, f"{key} has {', '.join(found)}, which a reader cannot see: remove it", rec=rec)
    if rec["precision"] not in reg.precisions:
        out.add(f, where, f'precision "{rec["precision"]}" must be one of {", ".join(reg.precisions)}', rec=rec)
    pos = rec["position"]
    if not isinstance(pos, dict) or any(k not in pos for k in _REQUIRED_POSITION):
        out.add(
            f,
            where,
            f"position must be an object with {', '.join(_REQUIRED_POSITION)} (and optional url)",
            rec=rec,
        )
        return False
    if not isinstance(pos["source"], str) or not pos["source"].strip():
        out.add(f, where, "position.source must say where the coordinate came from", rec=rec)
    u = pos["uncertainty_m"]
    if not isinstance(u, (int, float)) or isinstance(u, bool) or u < 0:
        out.add(f, where, "position.uncertainty_m must be a number of metres >= 0", rec=rec)
    ways = [k for k in ("geometry", "geometry_from", "geometry_union_of") if rec.get(k)]
    if len(ways) != 1:
        out.add(
            f,
            where,
            f"give exactly one of geometry, geometry_from, geometry_union_of (found {ways or 'none'})",
            rec=rec,
        )
        return False
    datum_problem = _check_datum_source(pos)
    if datum_problem:
        out.add(f, where, datum_problem, rec=rec)
    if ways == ["geometry"]:
        geometry_problems, repair_note = _check_coordinates(rec["geometry"], pos["datum"])
        for msg in geometry_problems:
            out.add(f, where, msg, rec=rec)
        if repair_note:
            out.repair(rec, repair_note)
    radius = rec.get("area_radius_m")
    if radius is not None:
        if not isinstance(radius, (int, float)) or isinstance(radius, bool) or radius <= 0:
            out.add(f, where, "area_radius_m must be a positive number of metres", rec=rec)
        elif (rec.get("geometry") or {}).get("type") != "Point":
            out.add(f, where, "area_radius_m only applies to a Point geometry", rec=rec)
    mentions = rec["mentions"]
    if not isinstance(mentions, list) or not mentions:
        out.add(f, where, "mentions must list at least one {doc, text} where a document names the place", rec=rec)
    else:
        for m in mentions:
            if not isinstance(m, dict) or "doc" not in m or "text" not in m:
                out.add(f, where, "each mention needs doc and text", rec=rec)
            elif m["doc"] not in known_docs:
                out.add(f, where, f'mention cites unknown document "{m["doc"]}" (not in documents.json)', rec=rec)
            elif docs is not None and not docs[m["doc"]].contains(m["text"]):
                out.add(f, where, f'mention "{m["text"]}" does not occur in {m["doc"]}', rec=rec)
    return True


def _check_places(reg, records_by_layer, known_docs, docs, out: _Collector, district_ids):
    seen: dict[str, str] = {}
    all_records = []
    for spec in reg.layers:
        if not spec.file:
            continue
        recs = records_by_layer.get(spec.id, [])
        if spec.expected_count is not None and len(recs) != spec.expected_count:
            out.add(
                str(reg.root / spec.file),
                None,
                f"expected {spec.expected_count} records (layers.json), found {len(recs)}",
            )
        for rec in recs:
            where = record_where(rec)
            f = rec["_file"]
            missing = [k for k in _REQUIRED_PLACE if k not in rec]
            if missing:
                out.add(f, where, f"missing key(s) {missing}", rec=rec)
                continue
            rid = rec["id"]
            bad_id = id_problem(rid)
            if bad_id:
                out.add(f, where, bad_id, rec=rec)
                continue
            if rid in seen or rid in district_ids:
                out.add(
                    f,
                    where,
                    f'duplicate id "{rid}" (also at {seen.get(rid, "districts.json")}); '
                    "ids are unique across all layers: rename one",
                    rec=rec,
                )
                continue
            seen[rid] = f"{f} {where}"
            if _check_place_fields(rec, reg, known_docs, docs, out):
                all_records.append(rec)
    ids = set(seen)
    for rec in all_records:
        for key in ("geometry_from", "geometry_union_of"):
            for other in rec.get(key) or []:
                if other not in ids:
                    out.add(rec["_file"], record_where(rec), f'{key} names unknown feature "{other}"', rec=rec)
        if rec.get("parent") and rec["parent"] not in ids:
            out.add(rec["_file"], record_where(rec), f'parent "{rec["parent"]}" is not a known feature id', rec=rec)
    return ids, all_records


def _check_built_geometries(reg, all_records, out: _Collector):
    # Records already rejected are left out (their geometry may not even parse); repairs
    # were reported by _check_places, so the warnings of the rebuild are not repeated.
    all_records = [rec for rec in all_records if id(rec) not in out.rejected]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RepairWarning)
            geoms = build_geometries(all_records)
    except DataError as exc:
        out.problems.append(exc)
        return
    except (ValueError, TypeError, KeyError, shapely.errors.GEOSException) as exc:
        out.add("geodata/places", None, f"cannot build geometries: {exc}")
        return
    for rec in all_records:
        geom = geoms.get(rec["id"])
        allowed = reg.layer(rec["_layer"]).geometry_types
        if geom is None or geom.is_empty:
            out.add(rec["_file"], record_where(rec), "geometry is empty", rec=rec)
        elif geom.geom_type not in allowed:
            out.add(
                rec["_file"],
                record_where(rec),
                f"{geom.geom_type} is not allowed in layer {rec['_layer']} ({', '.join(allowed)})",
                rec=rec,
            )


def _fact_where(rec: dict) -> str:
    """A fact's place in its file for messages: ``line 12 (d003_land_area)``."""
    return f"line {rec['_line']} ({rec.get('id')})" if rec.get("_line") else f"({rec.get('id')})"


def _check_amount(rec: dict, amount, out: _Collector) -> None:
    """Check a fact's value, unit and qualifier against its parsed ``number_text``."""
    f, where, nt = rec["_file"], _fact_where(rec), rec["number_text"]
    value = rec["value"]
    if isinstance(value, str) or isinstance(value, bool):
        out.add(
            f,
            where,
            f"value {json.dumps(value, ensure_ascii=False)} must be a JSON number, "
            f"written without quotes ({amount.value:g})",
            rec=rec,
        )
    elif not isinstance(value, (int, float)) or not math.isclose(
        float(value), amount.value, rel_tol=1e-9, abs_tol=1e-4
    ):
        out.add(
            f,
            where,
            f'value {value!r} does not match number_text "{nt}" (parsed {amount.value:g}): '
            f"write {amount.value:g} or correct number_text",
            rec=rec,
        )
    if rec["unit"] != amount.unit:
        out.add(f, where, f'unit {rec["unit"]!r} does not match number_text "{nt}" (parsed {amount.unit!r})', rec=rec)
    if amount.qualifier in ("more_than", "range") and rec["qualifier"] not in (amount.qualifier, "target"):
        out.add(
            f,
            where,
            f'number_text "{nt}" reads as {amount.qualifier}, but qualifier is {rec["qualifier"]!r}',
            rec=rec,
        )


def _check_facts(fact_records, feature_ids, known_docs, docs, out: _Collector):
    seen: set[str] = set()
    by_id = {}
    for rec in fact_records:
        f, where = rec["_file"], _fact_where(rec)
        missing = [k for k in _REQUIRED_FACT if k not in rec]
        if missing:
            out.add(f, where, f"missing key(s) {missing}", rec=rec)
            continue
        fid = rec["id"]
        if fid in seen:
            out.add(f, where, f'duplicate fact id "{fid}"', rec=rec)
            continue
        seen.add(fid)
        by_id[fid] = rec
        doc = rec["doc"]
        if doc not in known_docs:
            out.add(f, where, f'document "{doc}" is not in documents.json', rec=rec)
            continue
        if not str(fid).startswith(f"d{doc[:3]}_"):
            out.add(f, where, f'fact id must start with "d{doc[:3]}_" (its document number)', rec=rec)
        if not isinstance(rec["feature_ids"], list) or not rec["feature_ids"]:
            out.add(f, where, "feature_ids must list at least one feature id (jiangmen for the city)", rec=rec)
        else:
            for feat in rec["feature_ids"]:
                if feat not in feature_ids:
                    out.add(
                        f, where, f'names unknown feature "{feat}"; add the place to a layer or fix the id', rec=rec
                    )
        quote = rec["quote"]
        if not isinstance(quote, str) or not quote.strip():
            out.add(f, where, "quote must be the verbatim text from the document", rec=rec)
            continue
        if docs is not None and not docs[doc].contains(quote):
            out.add(f, where, f"quote does not occur in {doc} (after layout normalisation): {quote[:40]}…", rec=rec)
        if rec["qualifier"] not in QUALIFIERS:
            out.add(f, where, f'qualifier "{rec["qualifier"]}" must be one of {QUALIFIERS}', rec=rec)
        if rec["year_basis"] not in YEAR_BASES:
            out.add(f, where, f'year_basis "{rec["year_basis"]}" must be one of {YEAR_BASES}', rec=rec)
        year = rec["year"]
        if year is not None and (not isinstance(year, int) or isinstance(year, bool) or not 1800 <= year <= 2100):
            out.add(f, where, f"year {year!r} must be a four-digit integer or null", rec=rec)
        if year is None and rec["year_basis"] != "unknown":
            out.add(f, where, 'year is null, so year_basis must be "unknown"', rec=rec)
        # a stated year may sit in the sentence around the quote, but it must be in the document
        if (
            rec["year_basis"] == "stated"
            and year is not None
            and docs is not None
            and str(year) not in docs[doc].normalized
        ):
            out.add(f, where, f"year {year} is said to be stated but does not occur in {doc}", rec=rec)
        nt = rec["number_text"]
        if nt is None:
            if rec["value"] is not None or rec["unit"] is not None:
                out.add(f, where, "value and unit need number_text (the number as printed)", rec=rec)
            if year is None:
                out.add(f, where, "a fact needs a number (number_text) or a year", rec=rec)
            continue
        if not isinstance(nt, str) or normalize_text(nt) not in normalize_text(quote):
            out.add(f, where, f'number_text "{nt}" does not occur in the quote', rec=rec)
            continue
        try:
            amount = parse_amount(nt)
        except ValueError:
            out.add(f, where, f'number_text "{nt}" does not start with a number', rec=rec)
            continue
        _check_amount(rec, amount, out)
    for fid, rec in by_id.items():
        for other in rec.get("conflicts_with") or []:
            if other not in by_id:
                out.add(rec["_file"], f"({fid})", f'conflicts_with names unknown fact "{other}"', rec=rec)
            elif fid not in (by_id[other].get("conflicts_with") or []):
                out.add(rec["_file"], f"({fid})", f'conflict with "{other}" must be marked on both facts', rec=rec)
    return seen


def _check_pages(data: GeoData, feature_ids: set[str], fact_ids: set[str], out: _Collector) -> None:
    """Pages, basemaps and story chapters must name existing layers, features and facts."""
    try:
        parse_basemaps(data)
        pages = parse_pages(data)
    except DataError as exc:
        out.problems.append(exc)
        return
    for page in pages:
        if not page.story:
            continue
        try:
            story = parse_story(data, page.story)
        except DataError as exc:
            out.problems.append(exc)
            continue
        path = str(data.path(page.story))
        for ch in story["chapters"]:
            where = f"chapter {ch['id']}"
            for layer in ch["layers"]:
                if layer not in page.layers:
                    out.add(path, where, f'layer "{layer}" is not on page "{page.id}"')
            for fid in ch["focus"]:
                if fid not in feature_ids:
                    out.add(path, where, f'focus names unknown feature "{fid}"')
            for fid in ch["facts"]:
                if fid not in fact_ids:
                    out.add(path, where, f'cites unknown fact "{fid}"')


_TOPIC_KEYS = ("id", "title_zh", "title_en", "words")
_MEASURE_KEYS = ("id", "topic", "title_zh", "title_en", "unit", "units")
_INTERPRETATION_KEYS = ("of", "note_zh", "note_en")


def _check_topic_spec(path: str, spec, out: _Collector) -> tuple[set, dict]:
    """``topics.json``: its topics (ids and words) and measures (topic, unit and the units they convert)."""
    if not isinstance(spec, dict) or not isinstance(spec.get("topics"), list):
        out.add(path, None, 'must be {"topics": [...], "other": {...}, "measures": [...]}')
        return set(), {}
    topics = set()
    for i, t in enumerate([*spec["topics"], spec.get("other") or {}]):
        keys = _TOPIC_KEYS if i < len(spec["topics"]) else _TOPIC_KEYS[:3]
        missing = [k for k in keys if not isinstance(t, dict) or not t.get(k)]
        if missing:
            out.add(path, f"topics[{i}]" if i < len(spec["topics"]) else "other", f"missing or empty key(s) {missing}")
            continue
        if set(t) - set(keys):
            out.add(path, t["id"], f"unknown key(s) {sorted(set(t) - set(keys))}")
        topics.add(t["id"])
    measures = {}
    for i, m in enumerate(spec.get("measures") or []):
        missing = [k for k in _MEASURE_KEYS if not isinstance(m, dict) or not m.get(k)]
        if missing:
            out.add(path, f"measures[{i}]", f"missing or empty key(s) {missing}")
            continue
        if m["topic"] not in topics:
            out.add(path, m["id"], f'topic "{m["topic"]}" is not a topic of topics.json')
        units = m["units"]
        ok = isinstance(units, list) and all(
            isinstance(u, dict)
            and set(u) == {"unit", "factor"}
            and isinstance(u["factor"], int | float)
            and u["factor"] > 0
            for u in units
        )
        if not ok or m["unit"] not in {u["unit"] for u in units}:
            out.add(path, m["id"], 'units must list {"unit", "factor" > 0} for each accepted unit, its own among them')
            continue
        measures[m["id"]] = {**m, "units": {u["unit"]: u["factor"] for u in units}}
    return topics, measures


def _check_fact_readings(data: GeoData, fact_records, out: _Collector) -> None:
    """The facts' optional keys: a ``measure`` of topics.json in one of its units, an ``interpretation`` with why."""
    measures: dict = {}
    if data.path("topics.json").exists():
        try:
            _, measures = _check_topic_spec(str(data.path("topics.json")), data.topics_spec, out)
        except DataError as exc:
            out.problems.append(exc)
    for rec in fact_records:
        where = f"({rec.get('id')})"
        measure = rec.get("measure")
        if measure is not None:
            if measure not in measures:
                out.add(rec["_file"], where, f'measure "{measure}" is not a measure of topics.json', rec=rec)
            elif rec.get("unit") not in measures[measure]["units"]:
                units = ", ".join(measures[measure]["units"])
                out.add(rec["_file"], where, f'unit "{rec.get("unit")}" is not one of measure "{measure}"\'s: {units}')
        note = rec.get("interpretation")
        if note is None:
            continue
        if (
            not isinstance(note, dict)
            or set(note) != set(_INTERPRETATION_KEYS)
            or not all(isinstance(note[k], str) and note[k].strip() for k in _INTERPRETATION_KEYS)
        ):
            out.add(rec["_file"], where, 'interpretation must be {"of": key, "note_zh": reason, "note_en": reason}')
        elif note["of"] not in rec or note["of"] in ("id", "interpretation"):
            out.add(rec["_file"], where, f'interpretation is "of" "{note["of"]}", which is not a key of the fact')


def _check_unplaced_subjects(fact_records, unplaced_names: set[str], out: _Collector) -> None:
    for rec in fact_records:
        subject = rec.get("unplaced_subject")
        if subject is not None and subject not in unplaced_names:
            out.add(
                rec["_file"],
                f"({rec.get('id')})",
                f'unplaced_subject "{subject}" is not a name_zh in unplaced.json',
                rec=rec,
            )


def _check_unplaced(data: GeoData, known_docs, out: _Collector):
    path = data.path("unplaced.json")
    found = data.optional_json("unplaced.json")
    if found is None:
        out.add(str(path), None, "missing: list the places the documents name that could not be located, and why")
        return set()
    items = found.get("unplaced") if isinstance(found, dict) else None
    if not isinstance(items, list):
        out.add(str(path), None, 'expected {"unplaced": [...]}')
        return set()
    for i, item in enumerate(items):
        where = f"unplaced[{i}] ({item.get('name_zh', '?') if isinstance(item, dict) else '?'})"
        if not isinstance(item, dict) or not all(k in item for k in ("name_zh", "name_en", "docs", "reason")):
            out.add(str(path), where, "each entry needs name_zh, name_en, docs and reason")
            continue
        for d in item["docs"]:
            if d not in known_docs:
                out.add(str(path), where, f'unknown document "{d}"')
    return {item["name_zh"] for item in items if isinstance(item, dict) and "name_zh" in item}


_URL = re.compile(r"https?://[^\s\"'<>()\[\]{}，；。、]+", re.I)
# A host named in running text, outside a URL ("copied on m.example.com, not linked"), by the endings of the hosts
# that copy and repost pages.
_BARE_HOST = re.compile(
    r"(?<![\w@/.-])((?:[a-z0-9-]+\.)+(?:com|cn|net|org|io|sbs|au|info|xyz|top|cc|me|hk|tw|gov|edu|site|online))\b",
    re.I,
)


def _strings(value):
    """Every string inside a JSON value (keys excluded), depth first."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _reviewed_domains(data: GeoData, out: _Collector) -> set[str] | None:
    """The hosts of ``source_domains.json``: empty if there is no list, None if it is malformed."""
    path = data.path("source_domains.json")
    found = data.optional_json("source_domains.json")
    if found is None:
        return set()  # no list: every source URL is refused, each with its file and record
    items = found.get("domains") if isinstance(found, dict) else None
    if not isinstance(items, list):
        out.add(str(path), None, 'expected {"domains": [...]}')
        return None
    hosts = set()
    for i, item in enumerate(items):
        keys = ("domain", "what", "why_trusted")
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) and item[k].strip() for k in keys):
            out.add(str(path), f"domains[{i}]", f"each domain needs {', '.join(keys)} (non-empty text)")
            continue
        hosts.add(item["domain"].lower())
    return hosts


def _check_source_domains(data: GeoData, records_by_layer, out: _Collector) -> None:
    """Refuse a URL or a bare host name in a place record or ``unplaced.json`` that is not on the reviewed list.

    Mirrors and spam copies of Wikipedia are not sources: a reader must be able to check the
    original (the article, the GeoNames id, the operator, the dataset), so only hosts a
    reviewer has listed in ``source_domains.json`` are accepted, by exact host name. A host
    named without a link counts too: the reader would still go to the copy.
    """
    hosts = _reviewed_domains(data, out)
    if hosts is None:
        return
    unplaced = data.optional_json("unplaced.json")
    items = [(rec["_file"], record_where(rec), rec) for recs in records_by_layer.values() for rec in recs]
    if isinstance(unplaced, dict) and isinstance(unplaced.get("unplaced"), list):
        path = str(data.path("unplaced.json"))
        items += [(path, f"unplaced[{i}]", item) for i, item in enumerate(unplaced["unplaced"])]
    listed = "source_domains.json" if hosts else "source_domains.json, missing or empty"
    for file, where, item in items:
        for text in _strings({k: v for k, v in item.items() if not k.startswith("_")}):
            # a full stop, comma or colon after a URL in running text ends the sentence, not the URL
            for url in dict.fromkeys(u.rstrip(".,:;!?") for u in _URL.findall(text)):
                host = (urlsplit(url).hostname or "").lower()
                if host not in hosts:
                    out.add(
                        file,
                        where,
                        f"source URL {url} is on {host or 'no host'}, which is not on the reviewed list ({listed}): "
                        "cite the original (the article itself, a GeoNames id, the operator, a named dataset), "
                        "or review the domain and add it",
                        rec=item if "_file" in item else None,
                    )
            for host in {h.lower() for h in _BARE_HOST.findall(text)} - _hosts_admitted(hosts):
                out.add(
                    file,
                    where,
                    f"names {host}, which is not on the reviewed list ({listed}): a copy named without a link "
                    "still sends a reader to it; cite the original, or keep the claim in position.copy_only "
                    "without the host",
                    rec=item if "_file" in item else None,
                )


def _hosts_admitted(hosts: set[str]) -> set[str]:
    """Reviewed hosts and the publisher names inside them (``www.163.com`` admits ``163.com``)."""
    admitted = set(hosts)
    for host in hosts:
        parts = host.split(".")
        admitted.update(".".join(parts[i:]) for i in range(1, len(parts) - 1))
    return admitted


def _stray_files(reg) -> list[DataError]:
    """Files in places/ and facts/ that would be silently ignored: YAML, other formats, unlisted layers."""
    listed = {(reg.root / spec.file).resolve() for spec in reg.layers if spec.file}
    problems = []
    for folder in ("places", "facts"):
        for path in sorted((reg.root / folder).glob("*")):
            if (
                not path.is_file()
                or path.name.startswith(".")
                or path.suffix.lower() == ".md"
                or path.resolve() in listed
            ):
                continue  # listed files are read (and refused there if they are not JSON)
            if path.suffix.lower() in (".yaml", ".yml"):
                problems.append(refuse_yaml(path))
            elif path.suffix.lower() != ".json":
                problems.append(
                    DataError(
                        str(path),
                        None,
                        f"not read: only .json files in {folder}/ are read; convert it to JSON or move it out",
                    )
                )
            elif folder == "places" and path.resolve() not in listed:
                problems.append(
                    DataError(
                        str(path),
                        None,
                        'not read: no layer in layers.json has this "file"; add a layer for it or move it out',
                    )
                )
    return problems


def _context_count(data: GeoData) -> int:
    """The records the context layers read: the neighbours in ``districts.json``, the towns in ``towns.json``."""
    n = 0
    for layer_id in data.registry.context_layers:
        spec = data.registry.layer(layer_id)
        n += (
            len(data.districts_spec.get("neighbours", []))
            if spec.source == "boundaries"
            else len(data.towns_spec["towns"])
        )
    return n


def _tally(records_by_layer, districts_spec, fact_records, out: _Collector, n_context: int = 0) -> RecordTally:
    tally = RecordTally()
    places = [r for layer_records in records_by_layer.values() for r in layer_records]
    for kind, recs in (("places", places), ("facts", fact_records)):
        rejected = sum(1 for r in recs if id(r) in out.rejected)
        repaired = sum(1 for r in recs if id(r) in out.repaired and id(r) not in out.rejected)
        tally.count(kind, read=len(recs), written=len(recs) - rejected - repaired, repaired=repaired, rejected=rejected)
    n_districts = len(districts_spec["districts"]) + 1  # and the city
    tally.count("districts", read=n_districts, written=n_districts)
    if n_context:
        tally.count("context", read=n_context, written=n_context)
    return tally


def check_data(data: GeoData) -> CheckReport:
    """Validate a geodata folder; return a :class:`CheckReport` listing every problem.

    Quotes and mentions are checked against the source documents when they can be found
    (see :func:`jmgeo._documents.find_documents_dir`); otherwise the report notes that
    those checks were skipped.
    """
    report = CheckReport()
    out = _Collector()
    reg = data.registry
    try:
        known_docs = {d["file"] for d in data.documents}
        districts_spec = data.districts_spec
        records = data.place_records
        fact_records = data.fact_records
    except JmgeoError as exc:
        report.problems = [exc] if isinstance(exc, DataError) else [DataError("geodata", None, str(exc))]
        report.problems += _stray_files(reg)
        report.tally.unreadable = [exc.file if isinstance(exc, DataError) else "geodata"]
        return report
    out.problems += _stray_files(reg)
    docs, doc_problems = data.source_documents
    out.problems += doc_problems
    if docs is None:
        report.notes.append("source documents not found: quotes and mentions were not checked (set JMGEO_DOCS)")
    district_ids = {d["id"] for d in districts_spec["districts"]} | {districts_spec["city"]["id"]}
    for where, item in [
        ("city", districts_spec["city"]),
        *((f"districts[{i}]", d) for i, d in enumerate(districts_spec["districts"])),
    ]:
        bad_id = id_problem(item["id"])
        if bad_id:
            out.add(str(data.path("districts.json")), where, bad_id)
    if districts_spec["boundary_source"].get("precision") not in reg.precisions:
        out.add(
            str(data.path("districts.json")), "boundary_source.precision", f"must be one of {', '.join(reg.precisions)}"
        )
    ids, all_records = _check_places(reg, records, known_docs, docs, out, district_ids)
    _check_built_geometries(reg, all_records, out)
    fact_ids = _check_facts(fact_records, ids | district_ids, known_docs, docs, out)
    city_fact = districts_spec["city"].get("documented_area_fact")
    if city_fact and city_fact not in fact_ids:
        out.add(str(data.path("districts.json")), "city.documented_area_fact", f'names unknown fact "{city_fact}"')
    _check_pages(data, ids | district_ids, fact_ids, out)
    unplaced_names = _check_unplaced(data, known_docs, out)
    _check_source_domains(data, records, out)
    _check_unplaced_subjects(fact_records, unplaced_names, out)
    _check_fact_readings(data, fact_records, out)
    report.problems = out.problems
    report.repairs = out.repairs
    report.tally = _tally(records, districts_spec, fact_records, out, _context_count(data))
    report.counts = {
        **{layer: len(recs) for layer, recs in records.items()},
        "districts": len(districts_spec["districts"]),
        "facts": len(fact_records),
        "unplaced": len(unplaced_names),
    }
    return report
