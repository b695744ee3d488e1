"""The QGIS project stored inside the GeoPackage (``qgis_projects``): the atlas as QGIS opens it.

Inputs -> output: the registry (layer order, titles, styles) and the city's extent -> a
``.qgz`` (a zip of one ``.qgs`` project file) for QGIS's "Open project from GeoPackage".
Its layers read the GeoPackage it sits in (a path relative to that file), styled as in
``layer_styles``, in the web map's order (the city at the bottom) and groups (boundaries,
themes, facts); the facts are related to the features through ``feature_facts``
(``feature_id`` -> each layer's ``id``, ``fact_id`` -> ``facts.id``), so a feature's form
lists its facts with their quotes and sources. The two relations make one many-to-many
relation: each layer's form (a drag-and-drop form of its fields, then its facts) shows the
facts themselves through ``feature_facts`` (QGIS's relation editor with ``nmRelationId``).
"""

from __future__ import annotations

import io
import json
import zipfile
from xml.sax.saxutils import escape, quoteattr

from ._layer_styles import qml_text, reading_latitude
from ._registry import Registry

__all__ = ["PROJECT_NAME", "project_metadata", "project_qgs", "project_qgz", "qgis_id"]

#: The project's name in ``qgis_projects`` (QGIS: ``geopackage:FILE?projectName=jiangmen``).
PROJECT_NAME = "jiangmen"
#: Tables of the facts, and how their features are named in a form.
FACTS, LINKS = "facts", "feature_facts"
FACTS_DISPLAY = "\"quote\" || ' (' || \"doc\" || ')'"
#: The link table shows its fact's columns (joined, prefixed ``fact_``): a feature's form lists its facts by quote.
#: In the facts table's own column order: QGIS 3.22 fills a subset given in another order into the wrong fields.
JOINED = ("doc", "quote", "value", "unit", "year", "claim_en")
LINKS_DISPLAY = "\"fact_quote\" || ' (' || \"fact_doc\" || ')'"
_WKB = {"Point": "Point", "LineString": "LineString", "Polygon": "Polygon", "MultiPolygon": "MultiPolygon"}
_GEOMETRY = {"Point": "Point", "LineString": "Line", "Polygon": "Polygon", "MultiPolygon": "Polygon"}


def qgis_id(table: str) -> str:
    """A table's layer id in the project: QGIS replaces an id of 10 characters or fewer by a random one."""
    return f"jmgeo_layer_{table}"


#: WGS84 as QGIS 3.22 reads a CRS from a project: by its PROJ string and authority id (an id alone is ignored).
_SRS = (
    "<spatialrefsys><proj4>+proj=longlat +datum=WGS84 +no_defs</proj4><srid>4326</srid>"
    "<authid>EPSG:4326</authid><geographicflag>true</geographicflag></spatialrefsys>"
)
_CRS = f"<srs>{_SRS}</srs>"


def _style_body(qml: str) -> str:
    """The renderer and labels of a QML document: what a project's ``maplayer`` holds of its style."""
    body = qml.split("\n", 2)[2]  # after the doctype and the <qgis ...> line
    return body.rsplit("</qgis>", 1)[0]


NAME_DISPLAY = '"name_zh"'
_DISPLAY = {FACTS: FACTS_DISPLAY, LINKS: LINKS_DISPLAY}


def _join() -> str:
    """feature_facts joined to facts on ``fact_id``: each link carries its fact's quote and source."""
    subset = "".join(f'<field name="{name}"/>' for name in JOINED)
    return (
        f'<vectorjoins><join joinLayerId="{qgis_id(FACTS)}" targetFieldName="fact_id" joinFieldName="id" '
        'memoryCache="1" cascadedDelete="0" dynamicForm="0" editable="0" upsertOnEdit="0" '
        f'hasCustomPrefix="1" customPrefix="fact_"><joinFieldsSubset>{subset}</joinFieldsSubset></join></vectorjoins>'
    )


#: The form's section listing a feature's facts, and how the relation editor shows them.
FACTS_SECTION = "事实 Facts"


def _form(layer_id: str, fields: list[str]) -> str:
    """A feature's form: its fields, then its facts through the n:m relation (feature -> feature_facts -> facts)."""
    items = "".join(
        f'<attributeEditorField showLabel="1" index="{i}" name={quoteattr(name)}/>' for i, name in enumerate(fields)
    )
    relation = (
        f'<attributeEditorRelation showLabel="1" relation="{layer_id}_facts" name="{layer_id}_facts" '
        f'nmRelationId="facts_links" forceSuppressFormPopup="0" label={quoteattr(FACTS_SECTION)} '
        'relationWidgetTypeId="relation_editor"><editor_configuration type="Map">'
        '<Option type="QString" name="buttons" value="NoButton"/>'
        '<Option type="bool" name="show_first_feature" value="true"/>'
        "</editor_configuration></attributeEditorRelation>"
    )
    return f"<editorlayout>tablayout</editorlayout><attributeEditorForm>{items}{relation}</attributeEditorForm>"


def _maplayer(
    layer_id: str, title: str, gpkg_name: str, geometry_type: str | None, style: str = "", fields=None
) -> str:
    if geometry_type is None:
        kind = 'geometry="No geometry" wkbType="NoGeometry"'
    else:
        geometry = _GEOMETRY.get(geometry_type, "Unknown geometry")
        kind = f'geometry="{geometry}" wkbType="{_WKB.get(geometry_type, "Unknown")}"'
    labels = ' labelsEnabled="1"' if style else ""
    return (
        f'<maplayer type="vector" {kind}{labels} autoRefreshEnabled="0" readOnly="0">'
        f"<id>{qgis_id(layer_id)}</id><datasource>./{escape(gpkg_name)}|layername={layer_id}</datasource>"
        f"<layername>{escape(title)}</layername>{_CRS if geometry_type else ''}"
        f'<provider encoding="UTF-8">ogr</provider>{style}'
        f"{_join() if layer_id == LINKS else ''}"
        f"{_form(layer_id, fields) if fields else ''}"
        f"<previewExpression>{escape(_DISPLAY.get(layer_id, NAME_DISPLAY))}</previewExpression></maplayer>"
    )


def _relations(layer_ids: list[str]) -> str:
    rels = [
        f'<relation id="{layer_id}_facts" name={quoteattr(f"{layer_id} -> feature_facts")} '
        f'referencingLayer="{qgis_id(LINKS)}" referencedLayer="{qgis_id(layer_id)}" strength="Association">'
        '<fieldRef referencingField="feature_id" referencedField="id"/></relation>'
        for layer_id in layer_ids
    ]
    rels.append(
        f'<relation id="facts_links" name="feature_facts -> facts" referencingLayer="{qgis_id(LINKS)}" '
        f'referencedLayer="{qgis_id(FACTS)}" strength="Association">'
        '<fieldRef referencingField="fact_id" referencedField="id"/></relation>'
    )
    return f"<relations>{''.join(rels)}</relations>"


def _tree_layer(layer_id: str, title: str, checked: bool = True) -> str:
    state = "Qt::Checked" if checked else "Qt::Unchecked"
    return (
        f'<layer-tree-layer id="{qgis_id(layer_id)}" name={quoteattr(title)} providerKey="ogr" '
        f'checked="{state}" expanded="0"/>'
    )


def project_qgs(
    registry: Registry,
    geometry_types: dict[str, str],
    extent: tuple[float, float, float, float],
    gpkg_name: str,
    fields: dict[str, list[str]] | None = None,
) -> str:
    """Return the project file (``.qgs`` XML) for the layers in ``geometry_types`` (id -> GeoPackage type).

    With ``fields`` (id -> the layer's field names), each layer's form lists them, then its facts.
    """
    fields = fields or {}
    specs = [spec for spec in registry.layers if spec.id in geometry_types]
    boundaries = [spec for spec in specs if spec.role in ("city", "districts")]
    context = [spec for spec in specs if spec.role == "context"]
    themes = [spec for spec in specs if spec.role == "places"]
    title = {spec.id: f"{spec.title_zh} {spec.title_en}" for spec in specs}
    title.update({FACTS: "事实 Facts", LINKS: "要素与事实 Feature facts"})

    def group(name: str, ids: list[str]) -> str:
        inner = "".join(_tree_layer(i, title[i]) for i in ids)
        return f'<layer-tree-group name={quoteattr(name)} checked="Qt::Checked" expanded="1">{inner}</layer-tree-group>'

    tree = (  # first in the tree draws on top: the web map's order, reversed
        group("主题 Themes", [s.id for s in reversed(themes)])
        + group("边界 Boundaries", [s.id for s in reversed(boundaries)])
        + group("背景 Context", [s.id for s in reversed(context)])
        + group("事实 Facts", [FACTS, LINKS])
    )
    latitude = reading_latitude(extent)  # the scale a zoom has, for the schematic areas' rule
    layers = [
        _maplayer(
            s.id,
            title[s.id],
            gpkg_name,
            geometry_types[s.id],
            _style_body(qml_text(s, registry, latitude)),
            fields.get(s.id),
        )
        for s in specs
    ]
    layers += [_maplayer(i, title[i], gpkg_name, None) for i in (FACTS, LINKS)]
    xmin, ymin, xmax, ymax = (f"{v:.6f}" for v in extent)
    box = f"<xmin>{xmin}</xmin><ymin>{ymin}</ymin><xmax>{xmax}</xmax><ymax>{ymax}</ymax>"
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        '<qgis projectname="江门 Jiangmen atlas" version="3.22.0">\n'
        "<title>江门 Jiangmen atlas</title>\n"
        f"<projectCrs>{_SRS}</projectCrs>\n"
        f'<layer-tree-group expanded="1" checked="Qt::Checked" name="">{tree}</layer-tree-group>\n'
        f"{_relations([s.id for s in specs])}\n"
        f'<mapcanvas name="theMapCanvas" annotationsVisible="1"><units>degrees</units><extent>{box}</extent>'
        f"<destinationsrs>{_SRS}</destinationsrs></mapcanvas>\n"
        f'<ProjectViewSettings UseProjectScales="0"><DefaultViewExtent xmin="{xmin}" ymin="{ymin}" '
        f'xmax="{xmax}" ymax="{ymax}">{_SRS}</DefaultViewExtent></ProjectViewSettings>\n'
        f"<projectlayers>{''.join(layers)}</projectlayers>\n"
        # (QGIS reads projectCrs only when ProjectionsEnabled is set)
        '<properties><Paths><Absolute type="bool">false</Absolute></Paths>'
        '<SpatialRefSys><ProjectionsEnabled type="int">1</ProjectionsEnabled></SpatialRefSys></properties>\n'
        "</qgis>\n"
    )


def project_qgz(qgs: str) -> bytes:
    """The project as QGIS stores it in ``qgis_projects.content``: a zip of ``jiangmen.qgs``, byte-reproducible."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(f"{PROJECT_NAME}.qgs", date_time=(2000, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, qgs.encode("utf-8"))
    return buffer.getvalue()


def project_metadata(timestamp: str) -> str:
    """``qgis_projects.metadata``: when and by whom the project was last saved (fixed, for reproducible builds)."""
    return json.dumps({"last_modified_time": timestamp, "last_modified_user": "jmgeo"})
