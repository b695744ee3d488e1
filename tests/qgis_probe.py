"""Run by Debian's /usr/bin/python3 with PyQGIS (python3-qgis), headless: what QGIS 3.22 makes of a GeoPackage.

Usage: ``qgis_probe.py GPKG OUT.png [LAYER ...]`` prints one JSON object: for each layer, whether it
opened, its feature count, its renderer, its rules (label, filter, symbol type, colour) and its
labels, all as loaded from the file's default style; which rules QGIS draws at the scale of a web
map's zoom 10.5 and 11.5 over the last layer; and renders the layers (first on top) over the last
layer's extent into OUT.png.

``qgis_probe.py --project GPKG OUT.png`` opens the project stored in the GeoPackage instead
(``geopackage:GPKG?projectName=jiangmen``) and reports its layer tree, layers, relations (and a
feature's related facts) and default view, and renders its visible layers over that view.
Not a test module: tests/test_qgis.py runs it (PyQGIS
cannot be imported into the project's own Python).
"""

import json
import math
import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


#: Web map zooms at which the probe asks QGIS which rules it draws, either side of the schematic areas' zoom 11.
ZOOMS = (10.5, 11.5)


def describe(layer, scales=None):
    renderer = layer.renderer()
    rules = []
    if renderer is not None and renderer.type() == "RuleRenderer":
        for rule in renderer.rootRule().children():
            symbol = rule.symbol()
            rules.append(
                {
                    "label": rule.label(),
                    "filter": rule.filterExpression(),
                    "symbol": ["marker", "line", "fill"][symbol.type()],
                    "color": symbol.color().name(),
                    "layers": [sl.layerType() for sl in symbol.symbolLayers()],
                    "drawn_at_zoom": {str(z): rule.isScaleOK(scale) for z, scale in (scales or {}).items()},
                }
            )
    labeling = layer.labeling()
    return {
        "label_texts": label_texts(layer),
        "valid": layer.isValid(),
        "features": layer.featureCount(),
        "renderer": renderer.type() if renderer is not None else None,
        "rules": rules,
        "labels": layer.labelsEnabled(),
        "label_expression": labeling.settings().fieldName if labeling is not None else None,
    }


def label_texts(layer):
    """Each feature's label text, as the layer's labelling expression gives it (None where there is no label)."""
    from qgis.core import QgsExpression, QgsExpressionContext, QgsExpressionContextUtils

    if layer.labeling() is None or not layer.labelsEnabled():
        return []
    expression = QgsExpression(layer.labeling().settings().fieldName)
    context = QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(layer))
    texts = []
    for feature in layer.getFeatures():
        context.setFeature(feature)
        texts.append(expression.evaluate(context))
    return texts


def open_project(path, image):
    from qgis.core import QgsMapRendererSequentialJob, QgsMapSettings, QgsProject, QgsRectangle
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor

    project = QgsProject.instance()
    if not project.read(f"geopackage:{path}?projectName=jiangmen"):
        return {"read": False, "error": project.error()}
    root = project.layerTreeRoot()
    groups = [(g.name(), [child.layerId() for child in g.children()]) for g in root.children()]
    layers = {lyr.id(): describe(lyr) for lyr in project.mapLayers().values()}
    relations = {}
    for rel in project.relationManager().relations().values():
        relations[rel.id()] = {
            "valid": rel.isValid(),
            "referencing": rel.referencingLayerId(),
            "referenced": rel.referencedLayerId(),
            "fields": [list(pair) for pair in rel.fieldPairs().items()],  # {referencing: referenced}
        }
    sample = {}
    sites_rel, facts_rel = (
        project.relationManager().relation("sites_facts"),
        project.relationManager().relation("facts_links"),
    )
    if sites_rel.isValid() and facts_rel.isValid():
        feature = next(sites_rel.referencedLayer().getFeatures())
        for link in sites_rel.getRelatedFeatures(feature):
            fact = facts_rel.getReferencedFeature(link)
            sample.setdefault(feature["id"], []).append(
                [fact["id"], fact["quote"], fact["doc"], [link["fact_quote"], link["fact_doc"]]]
            )
    form = render_form(sites_rel.referencedLayer(), image) if sites_rel.isValid() else None
    forms = {}
    for lyr in project.mapLayers().values():
        config = lyr.editFormConfig()
        elements = config.tabs()
        relations_in_form = [
            [e.relation().id(), e.nmRelationId(), e.label(), e.relation().isValid()]
            for e in elements
            if e.type() == e.AeTypeRelation
        ]
        forms[lyr.id()] = {
            "drag_and_drop": config.layout() == config.TabLayout,
            "fields": [e.name() for e in elements if e.type() == e.AeTypeField],
            "relations": relations_in_form,
        }
    extent = project.viewSettings().defaultViewExtent()
    settings = QgsMapSettings()
    settings.setLayers([lyr for lyr in root.checkedLayers() if lyr.isSpatial()])
    settings.setDestinationCrs(project.crs())
    settings.setExtent(QgsRectangle(extent))
    settings.setOutputSize(QSize(1280, 800))  # the size of the web map's screenshots (docs/jiangmen.png)
    settings.setBackgroundColor(QColor("white"))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    job.renderedImage().save(image, "PNG")
    placed = {}  # the labels QGIS's engine placed on the image, by layer
    for label in job.takeLabelingResults().allLabels():
        placed.setdefault(label.layerID, []).append(label.labelText)
    return {
        "read": True,
        "labels_placed": placed,
        "title": project.title(),
        "crs": project.crs().authid(),
        "groups": groups,
        "layers": layers,
        "relations": relations,
        "related_facts": sample,
        "forms": forms,
        "form": form,
        "links_display": sites_rel.referencingLayer().displayExpression() if sites_rel.isValid() else None,
        "extent": [extent.xMinimum(), extent.yMinimum(), extent.xMaximum(), extent.yMaximum()],
    }


def layer_tools():
    """Vector layer tools that edit nothing: a form's relation editor calls them (QGIS's app gives its own).

    Without them QgsAttributeForm crashes on a relation: QgsRelationWidgetWrapper::setForceSuppressFormPopup
    calls the context's tools, which are null (SIGSEGV in QGIS 3.22; docs/testing.md).
    """
    from qgis.core import QgsVectorLayerTools

    class ReadOnlyTools(QgsVectorLayerTools):
        def addFeature(self, layer, defaultValues=None, defaultGeometry=None, parentWidget=None, *args):
            return False, None

        def startEditing(self, layer):
            return False

        def stopEditing(self, layer, allowCancel=True):
            return False

        def saveEdits(self, layer):
            return False

        def copyMoveFeatures(self, layer, request, dx=0, dy=0, *args):
            return False

    return ReadOnlyTools()


def render_form(layer, image):
    """Open the first feature's attribute form as QGIS shows it, draw it to ``<image>-form.png`` and read it.

    Returns the feature's id, the form's relation editors (relation, n:m relation, shown) and the rows
    of each editor's feature list, as displayed (the facts' display expression: quote and source).
    """
    from qgis.core import QgsApplication
    from qgis.gui import QgsAbstractRelationEditorWidget, QgsAttributeEditorContext, QgsAttributeForm, QgsGui
    from qgis.PyQt.QtCore import Qt
    from qgis.PyQt.QtWidgets import QListView

    QgsGui.editorWidgetRegistry().initEditors()
    tools = layer_tools()
    context = QgsAttributeEditorContext()
    context.setVectorLayerTools(tools)
    feature = next(layer.getFeatures())
    form = QgsAttributeForm(layer, feature, context)
    form.resize(800, 1200)
    form.show()
    QgsApplication.processEvents()
    path = image[: -len(".png")] + "-form.png"
    form.grab().save(path, "PNG")
    editors = []
    for editor in form.findChildren(QgsAbstractRelationEditorWidget):
        if editor.relation().referencedLayer() is not layer:
            continue  # the editors of the embedded facts form, inside this one
        rows = []
        for view in editor.findChildren(QListView, "mFeatureListView"):
            owner = view.parent()
            while not isinstance(owner, QgsAbstractRelationEditorWidget):
                owner = owner.parent()
            if owner is not editor:
                continue  # the list of an editor nested in the shown fact's own form
            model = view.model()
            rows += [model.data(model.index(i, 0), Qt.DisplayRole) for i in range(model.rowCount())]
        editors.append(
            {
                "relation": editor.relation().id(),
                "nm_relation": editor.nmRelation().id() if editor.nmRelation().isValid() else None,
                "visible": editor.isVisible(),
                "rows": rows,
            }
        )
    return {"feature": feature["id"], "image": path, "size": [form.width(), form.height()], "editors": editors}


def zoom_scale(layer, zoom):
    """The scale QGIS itself reckons for a 600-pixel view of ``layer``'s middle at a web map's ``zoom``: the view
    spans 600 pixels of 2π·6378137·cos(φ)/(256·2^zoom) ground metres each, at the middle's latitude φ."""
    from qgis.core import QgsMapSettings, QgsRectangle
    from qgis.PyQt.QtCore import QSize

    middle = layer.extent().center()
    metres = 600 * 2 * math.pi * 6378137 * math.cos(math.radians(middle.y())) / (256 * 2**zoom)
    half_lon = metres / 2 / (111_320 * math.cos(math.radians(middle.y())))
    settings = QgsMapSettings()
    settings.setDestinationCrs(layer.crs())
    settings.setOutputSize(QSize(600, 600))
    settings.setExtent(QgsRectangle(middle.x() - half_lon, middle.y() - 0.05, middle.x() + half_lon, middle.y() + 0.05))
    return settings.scale()


def main(path, image, names):
    # imported here, not at the top: pytest's doctest collection imports this file in the project's Python
    from qgis.core import QgsApplication, QgsMapRendererSequentialJob, QgsMapSettings, QgsVectorLayer
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor

    app = QgsApplication([], True)  # with widgets: the project's check opens a feature's form
    app.initQgis()
    if path == "--project":
        print(json.dumps(open_project(image, names[0]), ensure_ascii=False), flush=True)
        os._exit(0)  # see below
    layers = [QgsVectorLayer(f"{path}|layername={name}", name, "ogr") for name in names]
    scales = {zoom: zoom_scale(layers[-1], zoom) for zoom in ZOOMS}
    report = {name: describe(layer, scales) for name, layer in zip(names, layers, strict=True)}
    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(layers[-1].crs())
    settings.setExtent(layers[-1].extent())
    settings.setOutputSize(QSize(600, 600))
    settings.setBackgroundColor(QColor("white"))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    job.renderedImage().save(image, "PNG")
    print(json.dumps(report, ensure_ascii=False), flush=True)
    # QGIS 3.22's exitQgis() crashes (SIGSEGV) while layers made in Python are still alive: everything
    # is written and flushed by now, so leave without the teardown.
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
