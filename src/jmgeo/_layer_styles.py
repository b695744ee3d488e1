"""Each layer's style as QGIS (QML) and OGC SLD text, made from the registry: the GeoPackage's ``layer_styles``.

Inputs -> output: ``geodata/layers.json`` (each layer's ``color`` and ``role``, the
``precision_styles`` with their dash and fill opacity) -> one QML and one SLD 1.0 document a
layer, drawn as the web map draws it (``static/atlas/10-draw.js``, ``styleFor`` and
``pointMarker``): outlines in the layer's colour at 95 % opacity, fills at the precision's
opacity, approximate and schematic features dashed, points as opaque 7 px circles, white
unless surveyed (``draw.point_fill``), the towns as small dots (``draw.context_point``), and
every feature labelled with its Chinese name over its English one. Schematic areas follow the
page's zoom rule (``schematic_areas``): below its zoom a thin outline, the full look above, as two
rules split at the scale that zoom has at the city's latitude.

No colour, width or opacity is written here: colours come from the registry, the widths,
opacities and role overrides from its ``draw`` entry, which the page script reads too
(``data.draw`` in ``styleFor``), so the two cannot drift apart. A layer of your own
(``jmgeo build --layer``) has no precision classes: one solid rule a geometry kind.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from xml.sax.saxutils import escape, quoteattr

from . import _crs as crs
from ._registry import LayerSpec, Registry

__all__ = ["LayerStyle", "layer_style", "qml_text", "reading_latitude", "scale_denominator", "sld_text"]

#: Labels get a white halo (QGIS's text buffer, SLD's Halo).
WHITE = "#ffffff"
LABEL_FONT = "Noto Sans CJK SC"
#: A feature's label: its Chinese name, then its English one if it has one. ``attribute('...')`` is NULL for a
#: field the layer lacks (a layer of your own without English names) where ``"name_en"`` would be an error, and
#: ``'a' || NULL`` is NULL in QGIS: either way the feature would have no label at all.
LABEL_EXPRESSION = "attribute('name_zh') || coalesce('\\n' || attribute('name_en'), '')"
KINDS = {"Point": "point", "MultiPoint": "point", "LineString": "line", "MultiLineString": "line"}
#: The screen resolution QGIS and SLD renderers reckon a map scale with (QGIS's default output DPI).
SCREEN_DPI = 96


@dataclass(frozen=True)
class Look:
    """How one precision class of one geometry kind is drawn (``precision`` None: every feature)."""

    precision: str | None
    label: str
    kind: str  # "point", "line" or "area"
    stroke: str
    width: float
    fill: str
    fill_opacity: float
    dash: tuple[float, ...]
    stroke_opacity: float
    radius: float
    #: Drawn only at scales 1:``min_denominator`` and smaller (zoomed out); None: no lower limit.
    min_denominator: float | None = None
    #: Drawn only at scales larger than 1:``max_denominator`` (zoomed in); None: no upper limit.
    max_denominator: float | None = None


@dataclass(frozen=True)
class LayerStyle:
    """One ``layer_styles`` row's text: the layer's id, its QML and SLD documents and a description."""

    layer: str
    qml: str
    sld: str
    description: str


def _kinds(spec: LayerSpec) -> list[str]:
    kinds = []
    for geometry_type in spec.geometry_types:
        kind = KINDS.get(geometry_type, "area")
        if kind not in kinds:
            kinds.append(kind)
    return kinds


def _dash(dash) -> tuple[float, ...]:
    return tuple(float(n) for n in str(dash).split()) if dash else ()


def reading_latitude(bounds) -> float:
    """The latitude (degrees) a map of ``bounds`` (minx, miny, maxx, maxy) is read at, for the scale rule: its middle.

    Examples
    --------
    >>> reading_latitude((111.9, 21.5, 113.3, 23.0))
    22.25
    """
    return float(bounds[1] + bounds[3]) / 2


def scale_denominator(zoom: float, latitude: float) -> float:
    """The map scale (1:n) a web map's ``zoom`` has at ``latitude`` on a 96-DPI screen, as QGIS reckons scale.

    Examples
    --------
    >>> round(scale_denominator(11, 22.4))
    267098
    """
    return crs.zoom_metres_per_pixel(zoom, latitude) * SCREEN_DPI / 0.0254


def _by_scale(look: Look, registry: Registry, latitude: float | None) -> list[Look]:
    """A schematic area's look split as the page's ``schematic_areas`` zoom rule: the full look zoomed in, and
    zoomed out the thin "rest" outline. Other looks, or without a latitude to reckon the scale at, unchanged."""
    areas = registry.schematic_areas
    if areas is None or latitude is None or look.kind != "area" or look.precision != "schematic":
        return [look]
    zoom = areas["full_from_zoom"]
    split, rest = scale_denominator(zoom, latitude), areas["rest"]
    return [
        replace(look, label=f"{look.label} ≥ z{zoom:g}", max_denominator=split),
        replace(
            look,
            label=f"{look.label} < z{zoom:g}",
            width=float(rest["weight"]),
            dash=_dash(rest["dash"]),
            fill_opacity=float(rest["fill_opacity"]),
            min_denominator=split,
        ),
    ]


def looks(spec: LayerSpec, registry: Registry, latitude: float | None = None) -> list[Look]:
    """Every (precision, geometry kind) of a layer, as the page script styles it (``styleFor``, ``pointMarker``).

    With the ``latitude`` (degrees) the map is read at, a schematic area has two looks split by scale, as the
    page draws it by zoom (:func:`scale_denominator`); without it, one.
    """
    draw = registry.draw
    widths, common = draw["width"], (float(draw["stroke_opacity"]), float(draw["point_radius"]))
    if spec.role == "user":  # the page gives features without a precision the plain style
        point_fill = float(draw["point_fill"]["fill_opacity"])
        return [
            Look(
                None,
                kind,
                kind,
                spec.color,
                float(widths[kind]),
                spec.color,
                point_fill if kind == "point" else float(draw["fill_opacity"]),
                (),
                *common,
            )
            for kind in _kinds(spec)
        ]
    out = []
    override = draw.get("roles", {}).get(spec.role, {})
    for precision, p in registry.precision_styles.items():
        for kind in _kinds(spec):
            width, dash, fill_opacity = float(widths[kind]), _dash(p["dash"]), float(p["fill_opacity"])
            if kind == "line" and precision == "schematic":
                width = float(widths["schematic_line"])
            if kind == "area":  # the page's role overrides change areas only (lines and points set their own)
                width = float(override.get("width", width))
                fill_opacity = float(override.get("fill_opacity", fill_opacity))
                dash = _dash(override["dash"]) if "dash" in override else dash
            fill = spec.color if kind != "point" or precision == "surveyed" else draw["point_fill"]["hollow"]
            label = f"{p['label_zh'].split('：')[0]} {precision}"
            if kind == "point":  # opaque, as the page's pointStyle: nothing beneath shows through a symbol
                fill_opacity = float(draw["point_fill"]["fill_opacity"])
            if kind == "point" and spec.role == "context":  # the towns: small dots in the layer's colour
                dot, opacity = draw["context_point"], common[0]
                width, fill_opacity, radius = float(dot["width"]), float(dot["fill_opacity"]), float(dot["radius"])
                out.append(
                    Look(precision, label, kind, spec.color, width, spec.color, fill_opacity, (), opacity, radius)
                )
                continue
            look = Look(precision, label, kind, spec.color, width, fill, fill_opacity, dash, *common)
            out.extend(_by_scale(look, registry, latitude))
    return out


def layer_style(spec: LayerSpec, registry: Registry, latitude: float | None = None) -> LayerStyle:
    """Return the QML and SLD of one registry layer (``latitude``: see :func:`looks`)."""
    description = f"{spec.title_zh} {spec.title_en}: jmgeo's web-map style (colour, precision dashes, zh/en labels)"
    return LayerStyle(spec.id, qml_text(spec, registry, latitude), sld_text(spec, registry, latitude), description)


def _rgba(color: str, opacity: float = 1.0) -> str:
    """``#rrggbb`` -> QGIS's ``r,g,b,a``."""
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"{r},{g},{b},{round(opacity * 255)}"


def _option(name: str, value) -> str:
    return f'<Option name="{name}" type="QString" value={quoteattr(str(value))}/>'


def _symbol_layer(cls: str, options: list[str]) -> str:
    return (
        f'<layer class="{cls}" enabled="1" pass="0" locked="0"><Option type="Map">{"".join(options)}</Option></layer>'
    )


def _line_layer(look: Look) -> str:
    options = [
        _option("line_color", _rgba(look.stroke, look.stroke_opacity)),
        _option("line_width", look.width),
        _option("line_width_unit", "Pixel"),
        _option("line_style", "solid"),
        _option("capstyle", "round"),
        _option("joinstyle", "round"),
        _option("use_custom_dash", 1 if look.dash else 0),
        _option("customdash", ";".join(f"{n:g}" for n in look.dash) or "5;2"),
        _option("customdash_unit", "Pixel"),
    ]
    return _symbol_layer("SimpleLine", options)


def _symbol(index: int, look: Look) -> str:
    if look.kind == "point":
        options = [
            _option("name", "circle"),
            _option("color", _rgba(look.fill, look.fill_opacity)),
            _option("outline_color", _rgba(look.stroke, look.stroke_opacity)),
            _option("outline_style", "dash" if look.dash else "solid"),
            _option("outline_width", look.width),
            _option("outline_width_unit", "Pixel"),
            _option("size", 2 * look.radius),
            _option("size_unit", "Pixel"),
        ]
        body = _symbol_layer("SimpleMarker", options)
        kind = "marker"
    elif look.kind == "line":
        body, kind = _line_layer(look), "line"
    else:  # a fill without its own outline, then the (dashed) outline as a line layer
        options = [
            _option("color", _rgba(look.fill, look.fill_opacity)),
            _option("style", "solid" if look.fill_opacity else "no"),
            _option("outline_style", "no"),
        ]
        body, kind = _symbol_layer("SimpleFill", options) + _line_layer(look), "fill"
    return f'<symbol type="{kind}" name="{index}" alpha="1" clip_to_extent="1" force_rhr="0">{body}</symbol>'


def _labeling(spec: LayerSpec) -> str:
    kind = _kinds(spec)[0]
    placement = {"point": 0, "line": 2, "area": 1}[kind]  # around the point, along the line, over the centroid
    # The themes' points and lines keep labels off themselves. An area does not: QGIS would keep every label out
    # of its inside, and the city covers the whole map (only a neighbour's name was drawn); nor do the context's
    # small town dots, which the page's labels may cover too.
    obstacle = 0 if "area" in _kinds(spec) or spec.role == "context" else 1
    # the page's label order (layers.json's label_rank: the city 0 ... the towns 4) as QGIS's priority (10 first)
    priority = 5 if spec.label_rank is None else max(0, 10 - 2 * spec.label_rank)
    return (
        '<labeling type="simple"><settings calloutType="simple">'
        f'<text-style fieldName={quoteattr(LABEL_EXPRESSION)} isExpression="1" fontFamily={quoteattr(LABEL_FONT)} '
        f'fontSize="9" fontSizeUnit="Point" textColor="{_rgba(spec.color)}" textOpacity="1" multilineHeight="1">'
        '<text-buffer bufferDraw="1" bufferSize="1" bufferSizeUnits="MM" '
        f'bufferColor="{_rgba(WHITE)}" bufferOpacity="1"/>'
        "</text-style>"
        '<text-format multilineAlign="3" wrapChar="" autoWrapLength="0"/>'
        f'<placement placement="{placement}" priority="{priority}" dist="1.5" distUnits="MM" placementFlags="10"/>'
        f'<rendering obstacle="{obstacle}" scaleVisibility="0" drawLabels="1" displayAll="0"/>'
        "</settings></labeling>"
    )


def qml_text(spec: LayerSpec, registry: Registry, latitude: float | None = None) -> str:
    """Return a QGIS 3 layer style (QML): one rule a precision class and geometry kind, and zh/en labels.

    A geometry of another kind than a rule's symbol is not drawn by that rule, so a layer
    that mixes points and areas (``industrial_parks``) draws each with its own symbol.
    """
    rules, symbols = [], []
    for i, look in enumerate(looks(spec, registry, latitude)):
        condition = "TRUE" if look.precision is None else f"\"precision\" = '{look.precision}'"
        # QGIS draws a rule from 1:scalemaxdenom (zoomed out) to 1:scalemindenom (zoomed in)
        scales = "".join(
            f' {name}="{value:.0f}"'
            for name, value in (("scalemindenom", look.min_denominator), ("scalemaxdenom", look.max_denominator))
            if value is not None
        )
        rules.append(
            f'<rule key="r{i}" symbol="{i}" label={quoteattr(look.label)} filter={quoteattr(condition)}{scales}/>'
        )
        symbols.append(_symbol(i, look))
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        '<qgis version="3.22.0" styleCategories="Symbology|Labeling" labelsEnabled="1">\n'
        '<renderer-v2 type="RuleRenderer" symbollevels="0" forceraster="0" enableorderby="0">\n'
        f'<rules key="root">{"".join(rules)}</rules>\n'
        f"<symbols>{''.join(symbols)}</symbols>\n"
        "</renderer-v2>\n"
        f"{_labeling(spec)}\n"
        "</qgis>\n"
    )


_SLD_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<StyledLayerDescriptor version="1.0.0" xmlns="http://www.opengis.net/sld" '
    'xmlns:ogc="http://www.opengis.net/ogc" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://www.opengis.net/sld http://schemas.opengis.net/sld/1.0.0/StyledLayerDescriptor.xsd">\n'
)


def _css(name: str, value) -> str:
    return f'<CssParameter name="{name}">{value}</CssParameter>'


def _stroke(look: Look) -> str:
    params = [
        _css("stroke", look.stroke),
        _css("stroke-opacity", look.stroke_opacity),
        _css("stroke-width", look.width),
    ]
    if look.dash:
        params.append(_css("stroke-dasharray", " ".join(f"{n:g}" for n in look.dash)))
    return f"<Stroke>{''.join(params)}</Stroke>"


def _symbolizer(look: Look) -> str:
    fill = f"<Fill>{_css('fill', look.fill)}{_css('fill-opacity', look.fill_opacity)}</Fill>"
    if look.kind == "point":
        mark = f"<Mark><WellKnownName>circle</WellKnownName>{fill}{_stroke(look)}</Mark>"
        return f"<PointSymbolizer><Graphic>{mark}<Size>{2 * look.radius:g}</Size></Graphic></PointSymbolizer>"
    if look.kind == "line":
        return f"<LineSymbolizer>{_stroke(look)}</LineSymbolizer>"
    return f"<PolygonSymbolizer>{fill}{_stroke(look)}</PolygonSymbolizer>"


_SLD_GEOMETRY = {"point": "Point", "line": "LineString", "area": "Polygon"}


def _sld_filter(look: Look, mixed: bool) -> str:
    precision = (
        "<ogc:PropertyIsEqualTo><ogc:PropertyName>precision</ogc:PropertyName>"
        f"<ogc:Literal>{look.precision}</ogc:Literal></ogc:PropertyIsEqualTo>"
    )
    if look.precision is None:  # a layer of your own: one rule a geometry kind
        precision = ""
    if not mixed:
        return f"<ogc:Filter>{precision}</ogc:Filter>" if precision else ""
    # GeoServer's geometryType(): a point rule must not draw an area's centroid
    kind = (
        '<ogc:PropertyIsLike wildCard="*" singleChar="." escape="!"><ogc:Function name="geometryType">'
        f"<ogc:PropertyName>geom</ogc:PropertyName></ogc:Function><ogc:Literal>*{_SLD_GEOMETRY[look.kind]}</ogc:Literal>"
        "</ogc:PropertyIsLike>"
    )
    return (
        f"<ogc:Filter><ogc:And>{precision}{kind}</ogc:And></ogc:Filter>"
        if precision
        else f"<ogc:Filter>{kind}</ogc:Filter>"
    )


def _sld_scales(look: Look) -> str:
    """SLD's scale limits: drawn from 1:MinScaleDenominator (inclusive) to 1:MaxScaleDenominator (exclusive)."""
    out = f"<MinScaleDenominator>{look.min_denominator:.0f}</MinScaleDenominator>" if look.min_denominator else ""
    if look.max_denominator:
        out += f"<MaxScaleDenominator>{look.max_denominator:.0f}</MaxScaleDenominator>"
    return out


def sld_text(spec: LayerSpec, registry: Registry, latitude: float | None = None) -> str:
    """Return the same style as OGC SLD 1.0 (for GeoServer, MapServer and other clients than QGIS)."""
    mixed = len(_kinds(spec)) > 1
    rules = []
    for look in looks(spec, registry, latitude):
        body = f"{_sld_filter(look, mixed)}{_sld_scales(look)}{_symbolizer(look)}"
        rules.append(f"<Rule><Name>{escape(look.label)}</Name>{body}</Rule>")
    label = (
        "<Rule><Name>labels</Name><TextSymbolizer><Label><ogc:PropertyName>name_zh</ogc:PropertyName>"
        "<![CDATA[\n]]><ogc:PropertyName>name_en</ogc:PropertyName></Label>"
        f"<Font>{_css('font-family', LABEL_FONT)}{_css('font-size', 12)}</Font>"
        f"<Halo><Radius>1.5</Radius><Fill>{_css('fill', WHITE)}</Fill></Halo>"
        f"<Fill>{_css('fill', spec.color)}</Fill></TextSymbolizer></Rule>"
    )
    return (
        _SLD_HEAD
        + f"<NamedLayer><Name>{spec.id}</Name><UserStyle><Name>{spec.id}</Name>"
        + f"<Title>{escape(spec.title_zh)} {escape(spec.title_en)}</Title><IsDefault>1</IsDefault>"
        + f"<FeatureTypeStyle>{''.join(rules)}{label}</FeatureTypeStyle></UserStyle></NamedLayer>\n"
        + "</StyledLayerDescriptor>\n"
    )
