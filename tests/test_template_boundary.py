"""No value from data or from a caller ever becomes template source or script text (issue 17).

Ids are refused where they are read (tests/corpus has the data-file cases); here the page's own
template is rendered with hostile values put straight into its slots, past those checks.
"""

import json

import folium
import geopandas as gpd
import pytest
from shapely.geometry import Point

import jmgeo
from jmgeo._ids import id_problem
from jmgeo._webmap import ExtraLayer, _AtlasInit

HOSTILE = [
    'k":(window.x=1),"k',
    "</script><script>window.x=1</script>",
    "{{ 7*7 }}",
    "{% raw %}",
    "{%- endmacro %}",
    "${window.x=1}`",
    "\u202eevil\u200b",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_the_init_script_keeps_a_hostile_layer_id_as_data(value):
    figure = folium.Figure()
    fmap = folium.Map(tiles=None).add_to(figure)
    group = folium.FeatureGroup(name="g").add_to(fmap)
    fmap.add_child(_AtlasInit([(value, group)]))
    html = figure.render()
    start = html.index("jmgeoAtlas.init(")
    script = html[start : html.index("</script>", start)]
    # the object of groups holds one entry: a JSON string key that decodes to the value itself
    body = script[script.index("{") + 1 : script.index("}, JSON.parse")].strip()
    key, _, group_name = body.rstrip(",").rpartition(": ")
    assert json.loads(key) == value and group_name == group.get_name()
    assert "<" not in key and ">" not in key  # escaped, so no tag can close the script


@pytest.mark.parametrize("value", HOSTILE + ["Sites", "sites-2", "", "a/b", "x" * 65])
def test_an_extra_layer_with_a_bad_id_is_refused_before_anything_is_drawn(value):
    frame = gpd.GeoDataFrame({"id": ["p"]}, geometry=[Point(113.08, 22.58)], crs=4326)
    assert id_problem(value) is not None
    with pytest.raises(jmgeo.ArgumentError, match="extra layer id"):
        jmgeo.make_map(extra_layers=[ExtraLayer(value, frame, "点")])
