"""Static figures for reports: each map as PNG, SVG and PDF, drawn with matplotlib (no browser).

Inputs -> output: the layers (WGS84 GeoDataFrames from :func:`jmgeo.load_layers`); the layer
colours and precision styles of ``geodata/layers.json`` and the page titles of
``geodata/pages.json`` (the web page's own); the legend headings of ``static/labels.json``;
the figures' own colours and text, ``geodata/figures.json`` -> one image of Jiangmen with its
districts, the layers, Chinese labels, a legend in Chinese and English, a scale bar, a north
arrow, an enlargement of the crowded city centre and an inset locating the partner ports and
platforms across the Pearl River estuary.

The map is drawn in WGS 84 / UTM zone 49N (metres) so the scale bar is true, and fitted to the
city; features outside it are cut at the frame and shown in the inset. Labels are placed by a
small deterministic search. Chinese needs a CJK font: :func:`find_cjk_font` finds one, and
drawing stops with :class:`~jmgeo._errors.FontMissingError` rather than drawing empty boxes
("tofu"). No timestamps are written, so the same data gives the same bytes. ``docs/figures.md``
gives each choice with its measurements.
"""

from __future__ import annotations

import io
import os
import re
import warnings
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import matplotlib
import numpy as np
import pylopdf_fonts_zh_cn
import shapely
from matplotlib import font_manager, patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import is_color_like
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import FT2Font
from matplotlib.legend_handler import HandlerTuple
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib_scalebar.scalebar import ScaleBar

from . import _crs as crs
from ._errors import ArgumentError, DataError, FontMissingError, ValidationError
from ._files import atomic_write
from ._geodata import GeoData, read_geodata
from ._layers import layer_kind
from ._loading import load_layers
from ._page_assets import labels
from ._pages import parse_pages
from ._registry import LayerSpec, Registry
from ._unicode import invisible_characters

__all__ = [
    "CONTEXT_RADIUS_M",
    "FIGURE_COLORS",
    "FIGURE_TEXTS",
    "FORMATS",
    "FigureStyle",
    "find_cjk_font",
    "load_figure_style",
    "make_figure",
    "render_images",
    "render_static",
    "write_static",
]

#: The formats :func:`render_static` writes (matplotlib's own backends, no browser).
FORMATS = ("png", "svg", "pdf")
#: Features within this distance (metres) of the city are shown in the inset and set its extent.
CONTEXT_RADIUS_M = 200_000
#: Without ``uncertainty_halos`` in layers.json, circles are drawn from this radius up (metres) at every scale.
_MIN_UNCERTAINTY_M = 300
#: The artists' ids (SVG ``id``) of the points' uncertainty circles and of the schematic areas' fills and outlines.
UNCERTAINTY_GID = "jmgeo-uncertainty"
SCHEMATIC_GID = "jmgeo-schematic-area"
#: The colour roles of ``geodata/figures.json`` ("colors"); the file must hold exactly these.
FIGURE_COLORS = (
    "context_edge",
    "context_label",
    "context_land",
    "district_label",
    "frame",
    "halo",
    "hollow_marker",
    "inset_city",
    "inset_frame",
    "label",
    "north_arrow",
    "notes",
    "paper",
    "precision_key",
    "precision_key_fill",
    "zoom",
)
#: The text entries of ``geodata/figures.json`` ("text"); the file must hold exactly these.
FIGURE_TEXTS = (
    "credits",
    "frame_note",
    "inset_title",
    "more_places",
    "north",
    "schematic_key",
    "zoom_box",
    "zoom_title",
)
#: System font families tried after the packaged font, in order (Debian fonts-noto-cjk first).
_SYSTEM_CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
)
# Characters every CJK candidate must have, so a font is never chosen for Latin text alone;
# the figure's own text is checked as well.
_CJK_PROBE = "江门市区县图例港"


# --- the figures' data: geodata/figures.json ------------------------------------------------


@dataclass(frozen=True)
class FigureStyle:
    """The figures' own colours and text, as read from ``geodata/figures.json``.

    A colour is anything matplotlib reads (a name, ``#rrggbb``, or an (r, g, b) tuple of
    floats from 0 to 1); a text is drawn as written, Chinese then English.
    """

    colors: dict[str, Any]
    texts: dict[str, str]

    def color(self, role: str) -> Any:
        """Return the colour of ``role`` (one of :data:`FIGURE_COLORS`)."""
        return self.colors[role]

    def text(self, key: str) -> str:
        """Return the text ``key`` (one of :data:`FIGURE_TEXTS`)."""
        return self.texts[key]


def load_figure_style(geodata_dir: str | os.PathLike[str] | GeoData | None = None) -> FigureStyle:
    """Read ``figures.json`` from the geodata folder, strictly.

    Raises
    ------
    DataError
        For one problem: a missing, unknown or malformed entry, naming the file, the entry
        (``colors.zoom``) and the fix; or bad JSON, with its line.
    ValidationError
        For several problems, listing each.

    Examples
    --------
    >>> load_figure_style().text("north")
    '北 N'
    """
    data = read_geodata(geodata_dir)
    return parse_figure_style(data.path("figures.json"), data.json("figures.json"))


def parse_figure_style(path: str | os.PathLike[str], data: Any) -> FigureStyle:
    """Check the parsed content of ``figures.json`` (read from ``path``) and return it as a :class:`FigureStyle`."""
    path = str(path)
    if not isinstance(data, dict):
        raise DataError(path, None, 'expected an object with "colors" and "text"; see geodata/SCHEMA.md')
    problems = [
        DataError(path, key, 'unknown key; the file holds "colors", "note" and "text"')
        for key in sorted(set(data) - {"colors", "note", "text"})
    ]
    colors = _entries(path, data, "colors", FIGURE_COLORS, "color", _color_problem, problems)
    texts = _entries(path, data, "text", FIGURE_TEXTS, "text", _text_problem, problems)
    if problems:
        raise problems[0] if len(problems) == 1 else ValidationError(problems)
    # A JSON list [r, g, b] becomes the tuple matplotlib expects.
    colors = {role: tuple(value) if isinstance(value, list) else value for role, value in colors.items()}
    return FigureStyle(colors=colors, texts=texts)


def _entries(path: str, data: dict, section: str, wanted: Sequence[str], field: str, check, problems: list) -> dict:
    """The ``field`` of each entry of ``data[section]``; every problem found is appended to ``problems``."""
    entries = data.get(section)
    if not isinstance(entries, dict):
        problems.append(DataError(path, section, f"missing or not an object; it holds {', '.join(wanted)}"))
        return {}
    for key in sorted(set(entries) - set(wanted)):
        problems.append(
            DataError(
                path, f"{section}.{key}", f"not used by the figures; remove it, or use one of {', '.join(wanted)}"
            )
        )
    out = {}
    for key in wanted:
        where = f"{section}.{key}"
        entry = entries.get(key)
        if entry is None:
            problems.append(
                DataError(path, where, f'missing; add {{"{field}": ..., "note": ...}} (see geodata/SCHEMA.md)')
            )
        elif not isinstance(entry, dict) or set(entry) != {field, "note"}:
            problems.append(DataError(path, where, f'expected exactly the keys "{field}" and "note"'))
        elif not isinstance(entry["note"], str) or not entry["note"].strip():
            problems.append(DataError(path, where, '"note" is empty; say where the figure uses it'))
        elif message := check(entry[field]):
            problems.append(DataError(path, where, message))
        else:
            out[key] = entry[field]
    return out


def _color_problem(value: Any) -> str | None:

    if isinstance(value, list):
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1 for v in value)
        return None if len(value) == 3 and numbers else "an [r, g, b] colour needs three numbers from 0 to 1"
    if isinstance(value, str) and is_color_like(value):
        return None
    return f"{value!r} is not a colour; write a name (white), #rrggbb or [r, g, b] with numbers from 0 to 1"


def _text_problem(value: Any) -> str | None:
    return None if isinstance(value, str) and value.strip() else '"text" must be a non-empty string'


# --- the font ---------------------------------------------------------------------------------


def _missing_chars(font_path: str | os.PathLike[str], text: str) -> list[str]:
    font = FT2Font(str(font_path))
    return sorted({ch for ch in text if not ch.isspace() and font.get_char_index(ord(ch)) == 0})


def _packaged_font() -> Path | None:
    path = Path(pylopdf_fonts_zh_cn.sans_path())
    return path if path.is_file() else None


def _system_fonts() -> list[Path]:

    by_family = {}
    for entry in font_manager.fontManager.ttflist:
        if entry.name in _SYSTEM_CJK_FAMILIES and entry.weight in (400, "normal", "regular"):
            by_family.setdefault(entry.name, Path(entry.fname))
    return [by_family[name] for name in _SYSTEM_CJK_FAMILIES if name in by_family]


def find_cjk_font(text: str = "") -> Path:
    """Return the path of a font that has every Chinese character of ``text``.

    Tried in order: the file named by ``$JMGEO_CJK_FONT``; Noto Sans SC from the PyPI
    package ``pylopdf-fonts-zh-cn`` (a jmgeo dependency, SIL Open Font License); system
    fonts found by matplotlib (``Noto Sans CJK SC`` from Debian's ``fonts-noto-cjk``,
    Source Han Sans, WenQuanYi).

    Raises
    ------
    FontMissingError
        If no candidate has all the characters, naming what was tried and how to fix it.

    Examples
    --------
    >>> find_cjk_font("江门市蓬江区").suffix.lower() in {".otf", ".ttf", ".ttc"}
    True
    """
    needed = _CJK_PROBE + text
    tried: list[str] = []
    candidates: list[Path] = []
    explicit = os.environ.get("JMGEO_CJK_FONT")
    if explicit:
        candidates.append(Path(explicit))
    packaged = _packaged_font()
    if packaged:
        candidates.append(packaged)
    candidates.extend(_system_fonts())
    for path in candidates:
        try:
            missing = _missing_chars(path, needed)
        except (OSError, RuntimeError) as exc:
            tried.append(f"{path} (unreadable: {exc})")
            continue
        if not missing:
            return path
        tried.append(f"{path} (lacks {''.join(missing[:10])})")
        if explicit and path == Path(explicit):
            raise FontMissingError(
                f"$JMGEO_CJK_FONT={explicit}: the font lacks {''.join(missing[:10])}; choose a CJK font"
            )
    raise FontMissingError(
        "no font with Chinese characters found"
        + (f" (tried: {'; '.join(tried)})" if tried else "")
        + ". Reinstall jmgeo (it depends on pylopdf-fonts-zh-cn, Noto Sans SC), install Debian's fonts-noto-cjk, "
        "or set JMGEO_CJK_FONT to a .otf/.ttf/.ttc file with Chinese glyphs"
    )


@lru_cache(maxsize=8)
def _register_font(path: str) -> str:
    """Register a font file with matplotlib once; return its family name."""

    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


# --- labels -------------------------------------------------------------------------------------


def _dashes(style: dict) -> tuple | str:
    """The web page's SVG ``dash`` ("6 4", CSS px) as a matplotlib dash pattern in points."""
    dash = style.get("dash")
    if not dash:
        return "solid"
    return (0, tuple(float(v) * 0.75 for v in dash.split()))  # 1 CSS px = 0.75 pt


def _label_groups(frames: Iterable[gpd.GeoDataFrame]) -> list[tuple[float, float, list[str]]]:
    """Point features grouped by position (rounded to ~10 m, as the web page does): (x, y, names)."""
    groups: dict[tuple[float, float], list[str]] = {}
    for frame in frames:
        pts = frame[frame.geom_type == "Point"]
        for geom, name in zip(pts.geometry, pts["name_zh"], strict=True):
            key = (round(geom.x, -1), round(geom.y, -1))
            if name not in groups.setdefault(key, []):
                groups[key].append(name)
    return [(x, y, names) for (x, y), names in groups.items()]


def _group_text(names: list[str], more: str) -> str:
    """The first two names, wrapped; ``more`` (its ``{count}`` filled in) ends the label if there are more."""
    shown = names[:2]
    text = "\n".join(_wrap_zh(n) for n in shown)
    if len(names) > 2:
        text += "\n" + more.replace("{count}", str(len(names)))
    return text


def _wrap_zh(name: str, width: int = 10) -> str:
    # Chinese has no spaces to break at; long names are cut into lines of `width` characters.
    return "\n".join(name[i : i + width] for i in range(0, len(name), width))


# Offsets (in points) of the eight candidate label positions, best first: right, left,
# above, below, then the four diagonals; with the matching text alignment.
_CANDIDATES = (
    ((6, 0), "left", "center"),
    ((-6, 0), "right", "center"),
    ((0, 6), "center", "bottom"),
    ((0, -6), "center", "top"),
    ((5, 5), "left", "bottom"),
    ((-5, 5), "right", "bottom"),
    ((5, -5), "left", "top"),
    ((-5, -5), "right", "top"),
)


def _place_labels(ax, groups, fontprops, halo, occupied: list, style: FigureStyle) -> None:
    """Label each group at the first candidate position whose box overlaps nothing placed.

    Greedy and deterministic (see docs/figures.md for why not adjustText); where every
    position overlaps, the least-overlapping one is kept. ``occupied`` gains each label's box.
    """
    renderer = ax.figure.canvas.get_renderer()
    axes_box = ax.get_window_extent(renderer)
    # Groups with more names first: they are the hardest to place.
    for x, y, names in sorted(groups, key=lambda g: (-len(g[2]), g[0], g[1])):
        text = _group_text(names, style.text("more_places"))
        best = None
        for (dx, dy), ha, va in _CANDIDATES:
            artist = ax.annotate(
                text,
                (x, y),
                xytext=(dx, dy),
                textcoords="offset points",
                ha=ha,
                va=va,
                fontproperties=fontprops,
                color=style.color("label"),
                path_effects=halo,
                zorder=8,
                linespacing=1.05,
                annotation_clip=True,
            )
            box = artist.get_window_extent(renderer).padded(1.5)
            overlap = sum(_overlap_area(box, other) for other in occupied)
            outside = box.width * box.height - _overlap_area(box, axes_box)
            score = overlap + 4 * outside
            if best is None or score < best[0]:
                if best is not None:
                    best[1].remove()
                best = (score, artist, box)
            else:
                artist.remove()
            if score == 0:
                break
        occupied.append(best[2])


def _context_frames(inputs, proj, kind: str) -> list[gpd.GeoDataFrame]:
    return [proj[s.id] for s in inputs.specs if s.role == "context" and layer_kind(proj[s.id]) == kind]


def _neighbour_labels(ax, inputs, proj, bounds, fontprops, halo, occupied: list) -> None:
    """Each neighbouring city's name inside the part of it the panel shows (if that part is large enough)."""
    view = shapely.box(*bounds)
    for frame in _context_frames(inputs, proj, "area"):
        for geom, name in zip(frame.geometry, frame["name_zh"], strict=True):
            part = geom.intersection(view)
            if part.is_empty or part.area < 0.01 * view.area:
                continue
            at = part.representative_point()
            artist = ax.annotate(
                name,
                (at.x, at.y),
                ha="center",
                va="center",
                fontproperties=fontprops,
                color=inputs.style.color("context_label"),
                path_effects=halo,
                zorder=7,
            )
            occupied.append(artist.get_window_extent(ax.figure.canvas.get_renderer()).padded(1.5))


def _town_labels(ax, inputs, proj, bounds, fontprops, halo, occupied: list) -> None:
    """The towns' names right of their dots, only where they overlap no other label and stay in the panel."""
    renderer = ax.figure.canvas.get_renderer()
    axes_box = ax.get_window_extent(renderer)
    minx, miny, maxx, maxy = bounds
    for frame in _context_frames(inputs, proj, "point"):
        for geom, name in zip(frame.geometry, frame["name_zh"], strict=True):
            if not (minx <= geom.x <= maxx and miny <= geom.y <= maxy):
                continue
            artist = ax.annotate(
                name,
                (geom.x, geom.y),
                xytext=(2.5, 0),
                textcoords="offset points",
                va="center",
                fontproperties=fontprops,
                color=inputs.style.color("context_label"),
                path_effects=halo,
                zorder=7,
            )
            box = artist.get_window_extent(renderer).padded(1)
            inside = _overlap_area(box, axes_box) >= box.width * box.height - 1e-6
            if not inside or any(_overlap_area(box, other) for other in occupied):
                artist.remove()
            else:
                occupied.append(box)


def _overlap_area(a, b) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


# --- layers -------------------------------------------------------------------------------------


def _projected(layers: dict[str, gpd.GeoDataFrame]) -> dict[str, gpd.GeoDataFrame]:
    return {name: frame.to_crs(crs.UTM_49N) for name, frame in layers.items()}


def panel_zoom(ax, bounds) -> float:
    """The web map's zoom at the scale a panel prints: its metres per CSS pixel (1/96 inch) on paper.

    With equal aspect a panel shows at least ``bounds``, so the coarser of its two scales is taken.
    The figures draw uncertainty circles and schematic areas as the page does at that zoom.
    """
    pos = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    minx, miny, maxx, maxy = bounds
    m_per_px = max((maxx - minx) / (pos.width * fig_w * 96), (maxy - miny) / (pos.height * fig_h * 96))
    lat = (miny + maxy) / 2 / 0.9996 / 110_600  # UTM northing -> latitude (degrees), to 0.1 degree
    return crs.zoom_of(m_per_px, lat)


def _rule_looks(registry: Registry, zoom: float | None) -> tuple[float | None, dict | None]:
    """At this zoom: the radius from which points get their uncertainty circle (None: none), and the look
    schematic areas take instead of their precision's (None: their own), as layers.json tells the page."""
    halos, areas = registry.uncertainty_halos, registry.schematic_areas
    if zoom is None:
        return (None, None)
    if halos is None:
        min_radius = _MIN_UNCERTAINTY_M
    else:
        min_radius = halos["min_radius_m"] if zoom >= halos["all_from_zoom"] else None
    schematic = areas["rest"] if areas is not None and zoom < areas["full_from_zoom"] else None
    return min_radius, schematic


def _draw_layer(
    ax, spec, frame, registry: Registry, style: FigureStyle, *, scale: float = 1.0, zoom: float | None = None
) -> None:
    """Draw one layer in its registry colour, each precision in its own line style and fill.

    ``zoom`` (:func:`panel_zoom`) decides, as on the web page, whether points get their uncertainty circles
    and whether schematic areas are drawn in their thin "rest" outline; None draws neither circle nor change.
    """
    styles = registry.precision_styles
    kind = layer_kind(frame)
    min_radius, schematic_rest = _rule_looks(registry, zoom)
    if spec.role == "context":  # the land around the places, in grey, and the towns as small dots
        if kind == "area":
            frame.plot(
                ax=ax,
                facecolor=style.color("context_land"),
                edgecolor=style.color("context_edge"),
                linewidth=0.5 * scale,
                zorder=0,
            )
        else:
            frame.plot(ax=ax, marker="o", markersize=3 * scale, color=style.color("context_edge"), zorder=1)
        return
    for precision, part in frame.groupby("precision", sort=True):
        look = styles.get(precision, styles["surveyed"])
        dashes = _dashes(look)
        if spec.role == "city":
            part.plot(ax=ax, facecolor="none", edgecolor=spec.color, linewidth=1.8 * scale, zorder=3)
        elif spec.role == "districts":
            part.plot(ax=ax, facecolor=spec.color, alpha=0.07, edgecolor="none", zorder=1)
            part.plot(ax=ax, facecolor="none", edgecolor=spec.color, linewidth=0.8 * scale, zorder=2)
        elif kind == "area":
            polys = part[part.geom_type.isin(["Polygon", "MultiPolygon"])]
            if len(polys):
                _draw_areas(ax, spec, polys, look, scale, schematic_rest if precision == "schematic" else None)
            _draw_points(ax, spec, part[part.geom_type == "Point"], precision, scale, min_radius, style)
        elif kind == "line":
            width = (1.6 if precision == "schematic" else 2.4) * scale
            part.plot(ax=ax, color=spec.color, linewidth=width, linestyle=dashes, zorder=4)
        else:
            _draw_points(ax, spec, part, precision, scale, min_radius, style)


def _draw_areas(ax, spec, polys, look: dict, scale: float, rest: dict | None) -> None:
    """Areas: a fill at the precision's opacity and the outline; a schematic area below the registry's zoom
    in the ``rest`` look of ``schematic_areas`` instead (as the page draws it at that zoom)."""
    gid = SCHEMATIC_GID if rest is not None else None
    fill = rest["fill_opacity"] if rest is not None else max(look["fill_opacity"], 0.05)
    width = rest["weight"] * 0.75 if rest is not None else 1.2 * scale  # 1 CSS px = 0.75 pt
    if fill > 0:
        polys.plot(ax=ax, facecolor=spec.color, alpha=fill, edgecolor="none", zorder=2, gid=gid)
    polys.plot(
        ax=ax,
        facecolor="none",
        edgecolor=spec.color,
        linewidth=width,
        linestyle=_dashes(rest if rest is not None else look),
        zorder=3,
        gid=gid,
    )


def _draw_points(ax, spec, part, precision: str, scale: float, min_radius: float | None, style: FigureStyle) -> None:
    """Draw points, filled if surveyed and hollow otherwise, with their uncertainty circles from ``min_radius``."""
    if not len(part):
        return
    if min_radius is not None and "uncertainty_m" in part.columns:
        radius = part["uncertainty_m"].fillna(0).to_numpy(dtype=float)
        big = radius >= min_radius
        if big.any():
            # In UTM metres a buffer is a true circle of that radius (scale factor ~1).
            circles = gpd.GeoSeries(shapely.buffer(part.geometry.to_numpy()[big], radius[big]), crs=part.crs)
            circles.plot(
                ax=ax,
                facecolor="none",
                edgecolor=spec.color,
                linewidth=0.5,
                linestyle=(0, (1.5, 3)),
                alpha=0.45,
                zorder=2,
                gid=UNCERTAINTY_GID,
            )
    face = spec.color if precision == "surveyed" else style.color("hollow_marker")
    part.plot(
        ax=ax, marker="o", markersize=30 * scale, facecolor=face, edgecolor=spec.color, linewidth=1.6 * scale, zorder=6
    )


def _region(proj: dict[str, gpd.GeoDataFrame], city_layer: str) -> tuple[float, float, float, float]:
    """Bounds (UTM metres) of every feature within CONTEXT_RADIUS_M of the city."""
    city = proj[city_layer].geometry.union_all()
    near = city.buffer(CONTEXT_RADIUS_M)
    parts = []
    for frame in proj.values():
        geoms = frame.geometry[frame.geometry.within(near)]
        parts.extend(geoms)
    return tuple(shapely.GeometryCollection(parts).bounds)


def _pad(bounds, fraction: float):
    minx, miny, maxx, maxy = bounds
    px, py = (maxx - minx) * fraction, (maxy - miny) * fraction
    return minx - px, miny - py, maxx + px, maxy + py


# --- the public calls ---------------------------------------------------------------------------


def render_static(
    layers: dict[str, gpd.GeoDataFrame] | None = None,
    *,
    fmt: str = "png",
    **options,
) -> bytes:
    """Draw a static map of Jiangmen in one format and return the file's bytes.

    See :func:`render_images` for the parameters; :func:`write_static` writes the files.

    Examples
    --------
    >>> import jmgeo
    >>> png = jmgeo.render_static(layer_ids=["city", "districts"], dpi=50)
    >>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    return render_images(layers, formats=(fmt,), **options)[fmt]


def render_images(
    layers: dict[str, gpd.GeoDataFrame] | None = None,
    *,
    formats: Sequence[str] = FORMATS,
    layer_ids: Sequence[str] | None = None,
    title: str | None = None,
    geodata_dir=None,
    dpi: int = 200,
    size_in: tuple[float, float] = (11.69, 8.27),
) -> dict[str, bytes]:
    """Draw the static map of Jiangmen once and return its bytes in each of ``formats``.

    Parameters
    ----------
    layers : dict of GeoDataFrame, optional
        Layers in WGS84 (EPSG:4326) as returned by :func:`jmgeo.load_layers` (loaded if
        omitted). Drawn in WGS 84 / UTM zone 49N (EPSG:32649, metres).
    formats : sequence of {"png", "svg", "pdf"}
        Output formats. PNG is a raster of ``size_in`` × ``dpi`` pixels; SVG and PDF are
        vector files with the text as glyph outlines (SVG) or an embedded font subset (PDF).
    layer_ids : sequence of str, optional
        The layers to draw, by registry id (default: every layer the registry lists). The
        ``city`` layer always sets the extent.
    title : str, optional
        Title above the map (default: the atlas title, Chinese and English).
    geodata_dir : path, optional
        The geodata folder (default: found as :func:`jmgeo._registry.find_geodata_dir` does).
    dpi : int
        Resolution of a PNG, dots per inch (default 200).
    size_in : (float, float)
        Page size in inches (default A4 landscape, 11.69 × 8.27).

    Returns
    -------
    dict of str to bytes
        Format -> the complete file.

    Raises
    ------
    FontMissingError
        If no font with the map's Chinese characters is available, or if matplotlib
        reports a missing glyph while drawing.
    DataError
        If ``geodata/figures.json`` lacks a colour or text the figure uses, or is malformed.
    """
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ArgumentError(f"unknown format {bad[0]!r}; expected one of {', '.join(FORMATS)}")
    inputs = _prepare(layers, layer_ids, title, geodata_dir)
    with _drawing(inputs.font_path, inputs.family):
        fig = _draw(inputs, dpi, size_in)
        out = {}
        for fmt in formats:  # one drawing, saved in each format
            buffer = io.BytesIO()
            fig.savefig(buffer, format=fmt, dpi=dpi, metadata=_METADATA[fmt], facecolor=inputs.style.color("paper"))
            out[fmt] = buffer.getvalue()
    return out


def make_figure(
    layers: dict[str, gpd.GeoDataFrame] | None = None,
    *,
    layer_ids: Sequence[str] | None = None,
    title: str | None = None,
    geodata_dir=None,
    dpi: int = 200,
    size_in: tuple[float, float] = (11.69, 8.27),
):
    """Draw the static map and return the matplotlib ``Figure`` (display it in Jupyter, or save it).

    Parameters are those of :func:`render_images`. Save it with :func:`write_static` for
    byte-reproducible files; ``Figure.savefig`` works too, with matplotlib's defaults.
    """
    inputs = _prepare(layers, layer_ids, title, geodata_dir)
    with _drawing(inputs.font_path, inputs.family):
        return _draw(inputs, dpi, size_in)


@contextmanager
def _drawing(font_path: Path, family: str):
    """matplotlib settings for the map; turns any "Glyph missing" warning into FontMissingError."""

    rc = {
        "font.family": [family],
        "font.size": 8,
        "lines.scale_dashes": False,  # dash lengths in points, like the page's pixels
        "svg.hashsalt": "jmgeo",  # fixed ids in SVG, for byte-identical output
        "svg.fonttype": "path",  # glyphs as outlines: the SVG shows Chinese without the font installed
        "pdf.fonttype": 42,  # embed the font (subset) so PDF text stays selectable
        "axes.unicode_minus": False,
        "text.parse_math": False,  # text is drawn as written: "$...$" in a name is not math
    }
    with matplotlib.rc_context(rc), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    glyph = [w for w in caught if re.search(r"Glyph .* missing", str(w.message))]
    if glyph:
        raise FontMissingError(f"{font_path}: {glyph[0].message}; set JMGEO_CJK_FONT to a font with these characters")
    for w in caught:  # anything else is passed on as it came
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


# --- what one figure is drawn from, read once per call --------------------------------------------


@dataclass(frozen=True)
class _Inputs:
    """Everything one figure is drawn from: data read once, checked, and a font for all its text."""

    layers: dict[str, gpd.GeoDataFrame]
    specs: list[LayerSpec]
    registry: Registry
    style: FigureStyle
    title: str
    legend_title: str
    precision_title: str
    font_path: Path
    family: str


def _prepare(layers, layer_ids, title, geodata_dir) -> _Inputs:
    """Load what is missing, check the layer ids, find and register a font for every label."""

    ui = labels()  # the web page's interface text: the legend headings are the same words
    data = read_geodata(geodata_dir)
    if not title:
        main_page = parse_pages(data)[0]
        title = f"{main_page.title_zh} {main_page.title_en}"
    if layers is None:
        layers = load_layers(data)
    registry = data.registry
    specs = _wanted_specs(layers, layer_ids, registry)
    style = load_figure_style(data)
    legend_title, precision_title = (f"{ui[key]['zh']} {ui[key]['en']}" for key in ("legend", "precision_heading"))
    texts = [title, legend_title, precision_title, *style.texts.values()]
    texts += [f"{s.title_zh} {s.title_en}" for s in specs]
    texts += [f"{v['label_zh']} {v['label_en']}" for v in registry.precision_styles.values()]
    for spec in specs:
        texts += list(layers[spec.id]["name_zh"])
    _refuse_invisible(texts)
    font_path = find_cjk_font("".join(texts))
    return _Inputs(
        layers, specs, registry, style, title, legend_title, precision_title, font_path, _register_font(str(font_path))
    )


def _refuse_invisible(texts: list[str]) -> None:
    """Refuse text with invisible or control characters, naming them (a font has no glyph for them either)."""
    for text in texts:
        found = invisible_characters(str(text), allowed="\n")  # a line break is drawn as one
        if found:
            shown = "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in str(text))
            raise ArgumentError(f'"{shown}" has {", ".join(found)}, which cannot be drawn: remove it from the text')


def _wanted_specs(layers, layer_ids, registry: Registry) -> list[LayerSpec]:
    """The registry specs of the layers to draw (default: all), in registry order; the city must be there."""
    wanted = list(layer_ids) if layer_ids is not None else [s.id for s in registry.layers]
    unknown = [w for w in wanted if w not in layers]
    if unknown:
        raise ArgumentError(f"no layer(s) {', '.join(unknown)}; layers are {', '.join(layers)}")
    if registry.city_layer not in layers:
        raise ArgumentError(f"the static map needs the {registry.city_layer!r} layer to fit its extent")
    return [s for s in registry.layers if s.id in wanted]


def _quiet_canvas_class():

    class QuietCanvas(FigureCanvasAgg):
        # GeoDataFrame.plot asks for a redraw after every call; on a bare Agg canvas that is a
        # full render each time. Draws happen only when we ask for them.
        def draw_idle(self, *args, **kwargs):
            pass

    return QuietCanvas


def _QuietCanvas(fig):
    return _quiet_canvas_class()(fig)


# --- the page -----------------------------------------------------------------------------------


def _draw(inputs: _Inputs, dpi, size_in):
    """Draw the page: the city map, the enlarged centre, the legend, the region inset, the notes."""

    style, specs, family = inputs.style, inputs.specs, inputs.family
    city = inputs.registry.city_layer
    proj = _projected({s.id: inputs.layers[s.id] for s in specs} | {city: inputs.layers[city]})
    fig = Figure(figsize=size_in, dpi=dpi, facecolor=style.color("paper"))
    _QuietCanvas(fig)  # measures text for label placement, whatever the output format
    halo = [patheffects.withStroke(linewidth=2.2, foreground=style.color("halo"))]
    small = FontProperties(family=family, size=6.5)
    tiny = FontProperties(family=family, size=5.5)
    city_bounds = _pad(proj[city].total_bounds, 0.03)
    groups = _label_groups([proj[s.id] for s in specs if s.role == "places"])
    core = _core_box(groups)

    # Panels, in figure fractions: the city on the left; on the right the enlarged centre
    # (where most named places crowd together), the legend and the region inset.
    ax = fig.add_axes((0.01, 0.075, 0.48, 0.85))
    zoom = fig.add_axes((0.51, 0.415, 0.48, 0.505)) if core is not None else None
    zoom_bounds = _fit_aspect(core, zoom) if zoom is not None else None
    inside = [g for g in groups if zoom_bounds is not None and _in_box(g, zoom_bounds)]
    _city_panel(ax, inputs, proj, city_bounds, zoom_bounds, [g for g in groups if g not in inside], small, tiny, halo)
    if zoom is not None:
        _zoom_panel(zoom, inputs, proj, zoom_bounds, inside, halo)

    legend_ax = fig.add_axes((0.51, 0.062, 0.23, 0.323))
    _legend(legend_ax, inputs, proj)

    inset = fig.add_axes((0.745, 0.075, 0.245, 0.30))
    _region_panel(inset, inputs, proj, city_bounds, tiny, halo)
    inset.set_title(style.text("inset_title"), fontproperties=FontProperties(family=family, size=8), loc="left")

    fig.text(0.01, 0.965, inputs.title, fontsize=16, va="center")
    fig.text(0.01, 0.045, style.text("frame_note"), fontsize=6.5, color=style.color("notes"), va="center")
    fig.text(0.01, 0.018, style.text("credits"), fontsize=6.5, color=style.color("notes"), va="center")
    return fig


def _city_panel(ax, inputs: _Inputs, proj, bounds, zoom_bounds, groups, small, tiny, halo) -> None:
    """The city map: layers, district names, the enlarged area's box, place labels, scale bar, north arrow."""
    style = inputs.style
    _map_panel(ax, inputs, proj, bounds)
    ax.figure.canvas.draw()  # settles the axes boxes so label sizes can be measured
    occupied = _district_labels(ax, proj.get(inputs.registry.districts_layer), inputs.family, halo, 12, style)
    if zoom_bounds is not None:
        ax.add_patch(_frame_rect(zoom_bounds, style.color("zoom")))
        occupied.append(_box_label(ax, zoom_bounds, tiny, halo, style))
    _neighbour_labels(ax, inputs, proj, bounds, FontProperties(family=inputs.family, size=8), halo, occupied)
    _place_labels(ax, groups, small, halo, occupied, style)
    _town_labels(ax, inputs, proj, bounds, tiny, halo, occupied)
    _add_scalebar(ax, inputs.family)
    _add_north_arrow(ax, style)


def _zoom_panel(zoom, inputs: _Inputs, proj, bounds, groups, halo) -> None:
    """The enlarged city centre, framed and titled in the colour of its box on the city map."""

    style, family = inputs.style, inputs.family
    _map_panel(zoom, inputs, proj, bounds)
    for side in zoom.spines.values():
        side.set_color(style.color("zoom"))
    zoom.set_title(
        style.text("zoom_title"),
        fontproperties=FontProperties(family=family, size=9),
        loc="left",
        color=style.color("zoom"),
    )
    zoom.figure.canvas.draw()
    occupied = _district_labels(zoom, proj.get(inputs.registry.districts_layer), family, halo, 11, style)
    _neighbour_labels(zoom, inputs, proj, bounds, FontProperties(family=family, size=8), halo, occupied)
    _place_labels(zoom, groups, FontProperties(family=family, size=7), halo, occupied, style)
    _town_labels(zoom, inputs, proj, bounds, FontProperties(family=family, size=6), halo, occupied)
    _add_scalebar(zoom, family)


# No timestamps or version strings in the files, so the same data gives the same bytes.
_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
}


def _box_label(ax, bounds, fontprops, halo, style: FigureStyle):
    """Label the enlarged area's box below its lower left corner; return the label's box (display units)."""
    artist = ax.annotate(
        style.text("zoom_box"),
        (bounds[0], bounds[1]),
        xytext=(0, -2),
        textcoords="offset points",
        ha="left",
        va="top",
        fontproperties=fontprops,
        color=style.color("zoom"),
        path_effects=halo,
        zorder=9,
    )
    return artist.get_window_extent(ax.figure.canvas.get_renderer())


def _map_panel(ax, inputs: _Inputs, proj, bounds) -> None:
    zoom = panel_zoom(ax, bounds)
    for spec in inputs.specs:
        _draw_layer(ax, spec, proj[spec.id], inputs.registry, inputs.style, zoom=zoom)
    _map_panel_frame(ax, bounds)
    for side in ax.spines.values():
        side.set_linewidth(0.8)
        side.set_color(inputs.style.color("frame"))


def _district_labels(ax, districts: gpd.GeoDataFrame | None, family, halo, size: float, style: FigureStyle) -> list:
    """District names at a point inside each district; returns their boxes (display units)."""

    if districts is None:
        return []
    renderer = ax.figure.canvas.get_renderer()
    prop = FontProperties(family=family, size=size)
    view = shapely.box(*ax.get_xlim()[:1], ax.get_ylim()[0], ax.get_xlim()[1], ax.get_ylim()[1])
    boxes = []
    for geom, name in zip(districts.geometry, districts["name_zh"], strict=True):
        visible = geom.intersection(view)
        if visible.is_empty or visible.area < 0.02 * view.area:
            continue
        p = visible.representative_point()
        artist = ax.text(
            p.x,
            p.y,
            name,
            fontproperties=prop,
            color=style.color("district_label"),
            ha="center",
            va="center",
            path_effects=halo,
            zorder=7,
        )
        boxes.append(artist.get_window_extent(renderer))
    return boxes


def _add_scalebar(ax, family) -> None:

    # The axes are in UTM metres, so one data unit is one metre (dx=1).
    ax.add_artist(
        ScaleBar(
            1,
            units="m",
            location="lower left",
            length_fraction=0.25,
            box_alpha=0.8,
            font_properties={"family": family, "size": 8},
            border_pad=0.8,
        )
    )


def _add_north_arrow(ax, style: FigureStyle) -> None:
    # The arrow points to UTM grid north, within a degree of true north over Jiangmen (docs/figures.md).
    ax.annotate(
        style.text("north"),
        xy=(0.93, 0.97),
        xytext=(0.93, 0.89),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=9,
        arrowprops={"arrowstyle": "-|>", "color": style.color("north_arrow"), "lw": 1.4},
        zorder=9,
    )


# --- the legend ---------------------------------------------------------------------------------


def _legend(legend_ax, inputs: _Inputs, proj) -> None:
    """The legend: one entry per layer (upper), then the key to the precision styles (lower)."""

    legend_ax.set_axis_off()
    handles = _layer_handles(inputs.specs, proj, inputs.style)
    first = legend_ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0, 1.02),
        title=inputs.legend_title,
        frameon=False,
        alignment="left",
        fontsize=7,
        borderaxespad=0,
        title_fontproperties=FontProperties(family=inputs.family, size=9),
    )
    legend_ax.add_artist(first)
    _precision_key(legend_ax, inputs)


def _layer_handles(specs, proj, style: FigureStyle) -> list:
    """A legend symbol per layer, drawn as the layer is: a line, a hollow point, an outline or a filled area."""

    handles = []
    for spec in specs:
        kind = layer_kind(proj[spec.id])
        label = f"{spec.title_zh} {spec.title_en}"
        if kind == "line":
            handles.append(Line2D([], [], color=spec.color, linewidth=2.4, label=label))
        elif kind == "point":
            handles.append(
                Line2D(
                    [],
                    [],
                    color=spec.color,
                    marker="o",
                    markersize=6,
                    markerfacecolor=style.color("hollow_marker"),
                    markeredgewidth=1.6,
                    linestyle="none",
                    label=label,
                )
            )
        elif spec.role == "city":
            handles.append(Patch(facecolor="none", edgecolor=spec.color, linewidth=1.8, label=label))
        else:
            # "33": the layer colour at 20 % opacity, a swatch of the area fill
            handles.append(Patch(facecolor=spec.color + "33", edgecolor=spec.color, linewidth=1.0, label=label))
    return handles


def _precision_key(legend_ax, inputs: _Inputs) -> None:
    """The key to the precision styles of layers.json: an area and a point in each, with its words."""

    style = inputs.style
    key, fill = style.color("precision_key"), style.color("precision_key_fill")
    entries, texts = [], []
    for name in ("surveyed", "approximate", "schematic"):
        look = inputs.registry.precision_styles[name]
        area = Patch(
            facecolor=(*fill, max(look["fill_opacity"], 0.05)), edgecolor=key, linewidth=1.2, linestyle=_dashes(look)
        )
        point = Line2D(
            [],
            [],
            color=key,
            marker="o",
            markersize=5,
            markeredgewidth=1.4,
            linestyle="none",
            markerfacecolor=key if name == "surveyed" else style.color("hollow_marker"),
        )
        entries.append((area, point))
        texts.append(f"{look['label_zh']}\n{look['label_en']}")
    areas = inputs.registry.schematic_areas
    if areas is not None:  # how the schematic areas are drawn at a printed scale smaller than the page's zoom
        rest = areas["rest"]
        outline = Patch(facecolor="none", edgecolor=key, linewidth=rest["weight"] * 0.75, linestyle=_dashes(rest))
        entries.append((outline,))
        texts.append(style.text("schematic_key").format(zoom=f"{areas['full_from_zoom']:g}"))
    legend_ax.legend(
        handles=entries,
        labels=texts,
        loc="lower left",
        bbox_to_anchor=(0, 0),
        borderaxespad=0,
        title=inputs.precision_title,
        frameon=False,
        alignment="left",
        fontsize=6.5,
        handler_map={tuple: HandlerTuple(ndivide=None, pad=0.6)},
        handlelength=3.2,
        labelspacing=0.3,  # four two-line entries under the layers' legend
        title_fontproperties=FontProperties(family=inputs.family, size=8),
    )


# --- the region inset ---------------------------------------------------------------------------


def _region_panel(inset, inputs: _Inputs, proj, city_bounds, fontprops, halo) -> None:
    """The region around Jiangmen: the city in grey, every other layer, the main map's frame."""
    style, registry = inputs.style, inputs.registry
    city = registry.city_layer
    rminx, rminy, rmaxx, rmaxy = _pad(_region(proj, city), 0.06)
    proj[city].plot(
        ax=inset, facecolor=style.color("inset_city"), edgecolor=registry.layer(city).color, linewidth=0.6, zorder=1
    )
    zoom = panel_zoom(inset, (rminx, rminy, rmaxx, rmaxy))
    for spec in inputs.specs:
        if spec.role == "places":
            _draw_layer(inset, spec, proj[spec.id], registry, style, scale=0.45, zoom=zoom)
    inset.add_patch(_frame_rect(city_bounds, style.color("inset_frame")))
    _map_panel_frame(inset, (rminx, rminy, rmaxx, rmaxy))
    outside = _outside_groups(inputs.specs, proj, city)
    inset.figure.canvas.draw()
    _place_labels(inset, outside, fontprops, halo, [], style)


def _outside_groups(specs, proj, city_layer: str) -> list[tuple[float, float, list[str]]]:
    """Places and areas in no district of Jiangmen but within CONTEXT_RADIUS_M of it: (x, y, [name])."""
    near = proj[city_layer].geometry.union_all().buffer(CONTEXT_RADIUS_M)
    outside = []
    for spec in specs:
        frame = proj[spec.id]
        if "district" not in frame.columns or spec.role == "context":
            continue
        sel = frame[frame["district"].isna() & frame.geometry.within(near)]
        sel = sel[sel.geom_type.isin(["Point", "Polygon", "MultiPolygon"])]
        outside.extend(
            (p.x, p.y, [n]) for p, n in zip(sel.geometry.representative_point(), sel["name_zh"], strict=True)
        )
    return outside


def _map_panel_frame(ax, bounds) -> None:
    minx, miny, maxx, maxy = bounds
    ax.set_xlim(minx, maxx)
    ax.set_ylim(miny, maxy)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")


# --- the enlarged centre ------------------------------------------------------------------------


def _core_box(groups, radius: float = 12_000, minimum: int = 5):
    """The box (UTM metres) around the densest cluster of labelled places, or None if none is crowded.

    The place with the most others within ``radius`` metres is the centre; the box holds it
    and those neighbours, with room for their labels.
    """
    if len(groups) < minimum:
        return None
    pts = np.array([(x, y) for x, y, _ in groups])
    dist = np.hypot(pts[:, None, 0] - pts[None, :, 0], pts[:, None, 1] - pts[None, :, 1])
    near = dist <= radius
    counts = near.sum(axis=1)
    centre = int(np.argmax(counts))  # first of the densest, so ties are deterministic
    if counts[centre] < minimum:
        return None
    members = pts[near[centre]]
    minx, miny = members.min(axis=0)
    maxx, maxy = members.max(axis=0)
    return _pad((minx, miny, maxx, maxy), 0.25)


def _fit_aspect(bounds, ax):
    """Grow ``bounds`` so their shape matches the axes box (the zoom panel fills its space)."""
    minx, miny, maxx, maxy = bounds
    fig_w, fig_h = ax.figure.get_size_inches()
    pos = ax.get_position()
    target = (pos.width * fig_w) / (pos.height * fig_h)
    w, h = maxx - minx, maxy - miny
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    if w / h < target:
        w = h * target
    else:
        h = w / target
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def _in_box(group, box) -> bool:
    x, y, _ = group
    return box[0] <= x <= box[2] and box[1] <= y <= box[3]


def _frame_rect(bounds, color):

    minx, miny, maxx, maxy = bounds
    return Rectangle((minx, miny), maxx - minx, maxy - miny, facecolor="none", edgecolor=color, linewidth=0.9, zorder=9)


# --- files --------------------------------------------------------------------------------------


def write_static(
    out_dir: str | os.PathLike[str],
    layers: dict[str, gpd.GeoDataFrame] | None = None,
    *,
    name: str = "jiangmen",
    formats: Sequence[str] = FORMATS,
    geodata_dir=None,
    **options,
) -> list[Path]:
    """Render the static map in each of ``formats`` and write ``out_dir/<name>.<fmt>`` atomically.

    Every image is rendered in memory first, so a failure (no CJK font, bad data) writes
    nothing; each file is then written with :func:`jmgeo._files.atomic_write`. Extra
    keyword arguments go to :func:`render_static`.

    Examples
    --------
    >>> import tempfile, jmgeo
    >>> paths = jmgeo.write_static(tempfile.mkdtemp(), layer_ids=["city", "districts"], formats=("svg",), dpi=50)
    >>> [p.name for p in paths]
    ['jiangmen.svg']
    """

    if layers is None:
        layers = load_layers(geodata_dir)
    rendered = render_images(layers, formats=formats, geodata_dir=geodata_dir, **options)
    return [atomic_write(Path(out_dir) / f"{name}.{fmt}", data, _verify(fmt)) for fmt, data in rendered.items()]


def _verify(fmt: str):
    def verify(tmp: Path) -> None:
        head = tmp.read_bytes()[:64]
        ok = {
            "png": head.startswith(b"\x89PNG\r\n\x1a\n"),
            "pdf": head.startswith(b"%PDF-"),
            "svg": b"<?xml" in head or b"<svg" in head,
        }[fmt]
        if not ok:
            raise OSError(f"{tmp}: not a {fmt.upper()} file")

    return verify
