"""The page's simplified district coverage: topology and error bound, measured independently.

The geometry checked is the one the page carries (decoded from the data block), and
the error is measured with GEOS's Hausdorff distance in UTM zone 49N (EPSG:32649), not
with the equal-area projection and nearest-segment search jmgeo uses internally.
"""

from __future__ import annotations

import itertools

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from conftest import read_page_data
from jmgeo import _crs as crs
from jmgeo._page_data import encode_geometry
from jmgeo._simplify import DEFAULT_MAX_ERROR_M, hausdorff_m, simplify_coverage, simplify_each
from jmgeo._webmap import ExtraLayer, make_map, map_html

UTM49 = "EPSG:32649"


def decode_line(ints, scale):
    q = np.cumsum(np.asarray(ints, dtype=np.int64).reshape(-1, 2), axis=0)
    return (q / scale).tolist()


def decode_geometry(g, scale):
    """Python twin of decodeGeometry in static/atlas/01-decode.js: the page's encoding back to a shapely geometry."""
    d = g["delta"]
    if g["type"] == "Point":
        coords = decode_line(d, scale)[0]
    elif g["type"] in ("LineString", "MultiPoint"):
        coords = decode_line(d, scale)
    elif g["type"] in ("Polygon", "MultiLineString"):
        coords = [decode_line(r, scale) for r in d]
    else:
        coords = [[decode_line(r, scale) for r in p] for p in d]
    return shape({"type": g["type"], "coordinates": coords})


@pytest.fixture(scope="module")
def page_data(layers, facts):
    html = map_html(make_map(layers, facts))
    return read_page_data(html)


def page_geometries(data, layer_id, level="geometry"):
    """A layer's geometries in the page: ``level`` "geometry" (detailed) or "overview" (zoomed out)."""
    layer = next(x for x in data["layers"] if x["id"] == layer_id)
    return [decode_geometry(f[level], data["coordinate_scale"]) for f in layer["features"]["features"]]


def utm(geoms):
    return np.asarray(gpd.GeoSeries(list(geoms), crs=4326).to_crs(UTM49))


@pytest.mark.parametrize("level", ["geometry", "overview"])
def test_page_districts_are_a_valid_coverage(page_data, layers, level):
    simple = utm(page_geometries(page_data, "districts", level))
    original = utm(layers["districts"].geometry)
    assert len(simple) == len(original) == 7
    assert shapely.is_valid(simple).all()
    assert all(g.geom_type in ("Polygon", "MultiPolygon") for g in simple)
    # shared borders identical: GEOS's coverage check finds no mismatched edges or overlaps
    assert shapely.coverage_is_valid(simple)
    # no overlaps, measured: every pair intersects in (at most) a line
    for a, b in itertools.combinations(simple, 2):
        assert shapely.intersection(a, b).area < 1.0  # m²
    # no gaps: no hole in the union of the simplified districts lies inside the original city
    union = shapely.union_all(simple)
    city = shapely.union_all(original)
    holes = [shapely.Polygon(ring) for part in shapely.get_parts(union) for ring in part.interiors]
    assert sum(shapely.intersection(h, city).area for h in holes) < 1.0
    # neighbours still touch along a border, not just at a point
    for i, j in itertools.combinations(range(7), 2):
        if shapely.intersection(original[i], original[j]).length > 1000:
            assert shapely.intersection(shapely.boundary(simple[i]), shapely.boundary(simple[j])).length > 500


def test_page_districts_stay_within_the_error_bound_and_are_smaller(page_data, layers):
    simple = utm(page_geometries(page_data, "districts"))
    original = utm(layers["districts"].geometry)
    error = shapely.hausdorff_distance(original, simple)
    # 0.1 % covers the scale difference between UTM and jmgeo's equal-area projection
    assert error.max() <= DEFAULT_MAX_ERROR_M * 1.001, error
    assert page_data["boundary_simplification"]["measured_error_m"] <= DEFAULT_MAX_ERROR_M
    assert abs(page_data["boundary_simplification"]["measured_error_m"] - error.max()) < 1.0
    assert shapely.get_num_coordinates(simple).sum() < 0.5 * shapely.get_num_coordinates(original).sum()
    # every district's area is kept to within 0.5 %
    assert np.allclose(shapely.area(simple), shapely.area(original), rtol=0.005)


def test_page_districts_overview_stays_within_its_bound_and_a_pixel(page_data, layers):
    overview = page_data["boundary_simplification"]["overview"]
    coarse = utm(page_geometries(page_data, "districts", "overview"))
    detailed = utm(page_geometries(page_data, "districts"))
    original = utm(layers["districts"].geometry)
    error = shapely.hausdorff_distance(original, coarse)
    assert error.max() <= overview["max_error_m"] * 1.001, error
    assert abs(overview["measured_error_m"] - error.max()) < 1.0
    assert shapely.get_num_coordinates(coarse).sum() < 0.5 * shapely.get_num_coordinates(detailed).sum()
    assert np.allclose(shapely.area(coarse), shapely.area(original), rtol=0.01)
    # drawn up to the largest zoom at which the error is at most a pixel at the city's
    # northern edge (Web Mercator: 156,543 m a pixel at zoom 0 on the equator)
    north = float(layers["city"].total_bounds[3])
    pixel = [156543.03392 * np.cos(np.radians(north)) / 2**z for z in (overview["max_zoom"], overview["max_zoom"] + 1)]
    assert pixel[1] < error.max() <= pixel[0]


def test_page_parks_overview_stays_within_the_same_bound(page_data, layers):
    """The other areas (the parks' schematic outlines) are drawn at the same zooms as the
    coarse coverage, each simplified on its own within the same bound."""
    overview = page_data["boundary_simplification"]["overview"]
    layer = next(x for x in page_data["layers"] if x["id"] == "industrial_parks")
    parks = layers["industrial_parks"].set_index("id")
    polygons = {i for i, g in parks.geometry.items() if g.geom_type.endswith("Polygon")}
    with_overview = [f for f in layer["features"]["features"] if "overview" in f]
    # the points have none, nor a polygon that could not lose a quarter of its vertices
    # within the bound
    assert {f["properties"]["id"] for f in with_overview} <= polygons and len(with_overview) >= 0.75 * len(polygons)
    coarse = utm([decode_geometry(f["overview"], page_data["coordinate_scale"]) for f in with_overview])
    original = utm([parks.geometry[f["properties"]["id"]] for f in with_overview])
    assert shapely.is_valid(coarse).all()
    error = shapely.hausdorff_distance(original, coarse)
    assert error.max() <= overview["max_error_m"] * 1.001, error
    assert abs(overview["areas_measured_error_m"] - error.max()) < 1.0
    assert (shapely.get_num_coordinates(coarse) <= 0.75 * shapely.get_num_coordinates(original)).all()
    # the zooms it is drawn at keep the larger of the two errors within a pixel
    north = float(layers["city"].total_bounds[3])
    pixel = 156543.03392 * np.cos(np.radians(north)) / 2 ** overview["max_zoom"]
    assert max(overview["measured_error_m"], overview["areas_measured_error_m"]) <= pixel


def test_simplify_each_keeps_overlaps_and_skips_what_it_cannot_shrink():
    """Polygons that overlap are simplified one by one (not as a coverage); points, a square
    (nothing to drop) and a circle that cannot lose a quarter of its vertices within the
    bound come back as None."""
    centre = shapely.Point(113.08, 22.58)
    big = centre.buffer(0.03)  # ~3 km
    inner = centre.buffer(0.015)  # inside it
    square = shapely.box(113.0, 22.5, 113.01, 22.51)
    tiny = shapely.Point(113.1, 22.6).buffer(0.0005)  # ~50 m: every other vertex is ~0.2 m off its chord
    result = simplify_each([big, inner, None, centre, square], max_error_m=140)
    got = list(result.geometries)
    assert got[2:] == [None, None, None]
    assert got[1].within(big.buffer(0.002)) and got[0].intersection(got[1]).area == pytest.approx(got[1].area, rel=0.05)
    errors = shapely.hausdorff_distance(utm([big, inner]), utm(got[:2]))
    assert errors.max() <= 140 and result.error_m == pytest.approx(errors.max(), abs=1.0)
    assert shapely.get_num_coordinates(got[0]) < 0.5 * shapely.get_num_coordinates(big)
    assert simplify_each([tiny], max_error_m=0.05, decimals=None).geometries[0] is None
    assert simplify_each([tiny], max_error_m=5, decimals=None).geometries[0] is not None
    with pytest.raises(ValueError, match="max_error_m"):
        simplify_each([big], max_error_m=0)


@pytest.mark.parametrize("level", ["geometry", "overview"])
def test_page_city_is_the_union_of_the_page_districts(page_data, level):
    (city,) = utm(page_geometries(page_data, "city", level))
    districts = utm(page_geometries(page_data, "districts", level))
    assert city.is_valid
    assert shapely.symmetric_difference(city, shapely.union_all(districts)).area < 1.0
    # its vertices are the districts' own: the outline follows the same simplified borders
    vertices = {tuple(c) for c in np.round(shapely.get_coordinates(districts), 3)}
    assert {tuple(c) for c in np.round(shapely.get_coordinates(city), 3)} <= vertices


def test_error_bound_is_a_setting(layers):
    original = np.asarray(layers["districts"].geometry)
    tight = simplify_coverage(original, max_error_m=10)
    assert shapely.hausdorff_distance(utm(original), utm(tight.geometries)).max() <= 10 * 1.001
    loose = simplify_coverage(original, max_error_m=30)
    assert shapely.get_num_coordinates(tight.geometries).sum() > shapely.get_num_coordinates(loose.geometries).sum()
    with pytest.raises(ValueError, match="max_error_m"):
        simplify_coverage(original, max_error_m=0)


@pytest.mark.parametrize("radius_m", [0.5, 30.0, 5000.0])
def test_hausdorff_m_is_geos_hausdorff_distance_whatever_the_search_radius(layers, radius_m):
    """jmgeo's own Hausdorff measure (near search + exhaustive fallback) against GEOS's, in the
    same projection. Against the simplified coverage, a radius of 0.5 m sends most vertices
    to the fallback, 30 m almost none, and 5 km gives every vertex many candidates; against
    the shifted copy, a radius under ~100 m sends every vertex of it to the fallback."""
    original = np.asarray(layers["districts"].geometry)
    simple = simplify_coverage(original, max_error_m=30).geometries
    # a shifted copy: every vertex is ~100 m from the other boundary, beyond a 30 m radius
    shifted = shapely.transform(simple, lambda c: c + [0.0007, 0.0006])

    def geos(a, b):
        project = lambda g: np.asarray(gpd.GeoSeries(list(g), crs=4326).to_crs(crs.EQUAL_AREA))  # noqa: E731
        return shapely.hausdorff_distance(project(a), project(b))

    for other in (simple, shifted):
        ours = hausdorff_m(original, other, radius_m=radius_m)
        np.testing.assert_allclose(ours, geos(original, other), rtol=1e-9)
    assert (hausdorff_m(original, shifted, radius_m=radius_m) > 60).all()


def test_a_coarse_bound_is_met_by_repairing_polygons_that_cross_themselves(layers):
    """Above ~35 m, simplifying Taishan's arcs one by one makes its coast cross itself; the
    polygon is rebuilt valid, instead of every tolerance failing and the full resolution
    coming back (tolerance 0)."""
    original = np.asarray(layers["districts"].geometry)
    coarse = simplify_coverage(original, max_error_m=140)
    assert coarse.tolerance_m > 100
    assert shapely.is_valid(coarse.geometries).all() and shapely.coverage_is_valid(coarse.geometries)
    assert shapely.hausdorff_distance(utm(original), utm(coarse.geometries)).max() <= 140 * 1.001


def test_no_overview_when_asked_for_none_or_when_not_coarser(layers, facts):
    for kwargs in ({"overview_error_m": None}, {"overview_error_m": 20}, {"max_error_m": None}):
        data = read_page_data(map_html(make_map(layers, facts, **kwargs)))
        assert "overview" not in (data["boundary_simplification"] or {}), kwargs
        for layer in data["layers"]:
            assert not any("overview" in f for f in layer.get("features", {}).get("features", [])), (
                kwargs,
                layer["id"],
            )


def test_exports_keep_full_resolution(built, layers):
    exported = gpd.read_file(built / "geojson" / "districts.geojson")
    assert (
        shapely.get_num_coordinates(np.asarray(exported.geometry)).sum()
        == shapely.get_num_coordinates(np.asarray(layers["districts"].geometry)).sum()
    )


@pytest.mark.parametrize("layer_id", ["industrial_parks", "logistics_hubs", "corridors", "freight_routes", "sites"])
def test_encoded_geometry_decodes_to_the_rounded_geometry(page_data, layers, layer_id):
    decoded = page_geometries(page_data, layer_id)
    expected = shapely.transform(np.asarray(layers[layer_id].geometry), lambda c: np.round(c, 5))
    assert all(a.geom_type == b.geom_type for a, b in zip(decoded, expected, strict=True))
    assert all(shapely.equals_exact(a, b, tolerance=1e-9) for a, b in zip(decoded, expected, strict=True))


def test_encode_geometry_rejects_nothing_it_can_draw():
    poly = shapely.Polygon([(0, 0), (1, 0), (1, 1), (0, 0)], [[(0.2, 0.1), (0.8, 0.1), (0.8, 0.7), (0.2, 0.1)]])
    for geom in (poly, shapely.MultiPolygon([poly]), shapely.MultiPoint([(1, 2), (3, 4)]), shapely.Point(113.1, 22.6)):
        assert shapely.equals_exact(decode_geometry(encode_geometry(geom), 10**5), geom, tolerance=1e-9)
    assert encode_geometry(shapely.Point()) is None


def random_points(polygon, n, seed=0):
    """n uniformly random points inside a WGS84 polygon (rejection sampling in its bounds)."""
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = polygon.bounds
    out = np.empty((0, 2))
    while len(out) < n:
        xy = rng.uniform((minx, miny), (maxx, maxy), size=(2 * n, 2))
        out = np.vstack([out, xy[shapely.contains_xy(polygon, xy[:, 0], xy[:, 1])]])
    return gpd.GeoDataFrame({"name_en": [f"point {i}" for i in range(n)]}, geometry=shapely.points(out[:n]), crs=4326)


def test_large_point_layers_go_to_the_page_as_one_array(layers, facts):
    points = random_points(layers["city"].geometry.iloc[0], 1500)
    small = points.iloc[:50]
    html = map_html(
        make_map(
            layers,
            facts,
            extra_layers=[
                ExtraLayer("many", points, "很多点", "Many points"),
                ExtraLayer("few", small, "少量点", "Few points"),
            ],
        )
    )
    data = read_page_data(html)
    many = next(x for x in data["layers"] if x["id"] == "many")
    few = next(x for x in data["layers"] if x["id"] == "few")
    assert many["render"] == "canvas" and many["count"] == 1500 and "features" not in many
    assert many["properties"]["name_en"][7] == "point 7" and len(many["properties"]["id"]) == 1500
    assert (
        decode_line(many["points"], data["coordinate_scale"])
        == np.round(shapely.get_coordinates(points.geometry), 5).tolist()
    )
    assert "render" not in few and len(few["features"]["features"]) == 50


def test_extra_layers_are_checked(layers, facts):
    points = random_points(layers["city"].geometry.iloc[0], 5)
    with pytest.raises(ValueError, match="already a layer"):
        make_map(layers, facts, extra_layers=[ExtraLayer("sites", points, "点")])
    with pytest.raises(ValueError, match="no CRS"):
        make_map(layers, facts, extra_layers=[ExtraLayer("mine", points.set_crs(None, allow_override=True), "点")])
