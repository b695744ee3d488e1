"""District assignment: where a feature lies, by length or area share; features that land in the city get a district."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import LineString, Point

from jmgeo._layers import _assign_districts

UTM49N = 32649  # an independent metric CRS for the check (the code measures in its own Albers projection)


def district_of(value) -> str | None:
    """A frame's district value: the id, or None (pandas may hold a missing one as NaN)."""
    return value if isinstance(value, str) else None


def frame_of(*geoms) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"id": [f"f{i}" for i in range(len(geoms))]}, geometry=list(geoms), crs=4326)


def expected_district(geom, districts: gpd.GeoDataFrame) -> str | None:
    """The district by an independent path: geopandas overlay lengths/areas in UTM 49N."""
    hits = districts[districts.intersects(geom)]
    if hits.empty:
        return None
    if geom.geom_type == "Point":
        return hits["id"].iloc[0]
    pieces = hits.geometry.to_crs(UTM49N).intersection(gpd.GeoSeries([geom], crs=4326).to_crs(UTM49N).iloc[0])
    measure = pieces.area if geom.geom_type.endswith("Polygon") else pieces.length
    return hits["id"].iloc[int(measure.to_numpy().argmax())]


def test_huangmaohai_passage_lands_in_taishan(layers):
    row = layers["corridors"].set_index("id").loc["huangmaohai_passage"]
    assert row.district == "taishan"
    assert "taishan" in row.districts


@pytest.mark.parametrize(
    "name", ["industrial_parks", "logistics_hubs", "corridors", "freight_routes", "sites", "towns"]
)
def test_every_feature_gets_the_district_holding_most_of_it(layers, name):
    districts = layers["districts"]
    for row in layers[name].itertuples():
        assert district_of(row.district) == expected_district(row.geometry, districts), row.id
        assert row.districts == sorted(districts[districts.intersects(row.geometry)]["id"]), row.id


def test_a_line_ending_in_a_district_belongs_to_it_though_mostly_outside(layers):
    districts = layers["districts"].set_index("id")
    inside = districts.geometry["taishan"].representative_point()
    far = Point(inside.x + 2.0, inside.y - 1.0)  # ~220 km away, at sea and beyond
    line = LineString([far, inside])
    out = _assign_districts(frame_of(line), layers["districts"])
    assert district_of(out["district"].iloc[0]) == "taishan"
    assert out["districts"].iloc[0] == ["taishan"]


def test_a_line_through_two_districts_belongs_to_the_one_holding_more_of_it(layers):
    districts = layers["districts"].set_index("id")
    a = districts.geometry["kaiping"].representative_point()
    b = districts.geometry["taishan"].representative_point()
    # start just inside 开平, end deep in 台山: most of the length lies in 台山
    start = shapely.line_interpolate_point(LineString([a, b]), 0.0)
    out = _assign_districts(frame_of(LineString([start, b])), layers["districts"])
    assert district_of(out["district"].iloc[0]) == expected_district(LineString([start, b]), layers["districts"])
    assert set(out["districts"].iloc[0]) >= {"kaiping", "taishan"}


def test_a_point_on_a_shared_border_belongs_to_one_of_its_districts(layers):
    districts = layers["districts"].set_index("id")
    # a vertex both outlines share (converted by the same path, a shared border keeps identical vertices)
    shared = {tuple(c) for c in shapely.get_coordinates(districts.geometry["pengjiang"])} & {
        tuple(c) for c in shapely.get_coordinates(districts.geometry["jianghai"])
    }
    assert shared
    point = Point(sorted(shared)[len(shared) // 2])
    out = _assign_districts(frame_of(point), layers["districts"])
    assert district_of(out["district"].iloc[0]) in {"pengjiang", "jianghai"}
    assert {"pengjiang", "jianghai"} <= set(out["districts"].iloc[0])
    # the documented rule: of the districts it lies on, the first in districts.json's order
    order = list(layers["districts"]["id"])
    assert district_of(out["district"].iloc[0]) == min(out["districts"].iloc[0], key=order.index)


def test_a_point_on_the_city_s_outer_border_is_in_its_district_not_outside(layers):
    districts = layers["districts"].set_index("id")
    city = layers["city"].geometry.iloc[0]
    # a vertex of 台山's outline on the city's own edge (the coast), shared with no other district
    others = shapely.union_all([g for k, g in districts.geometry.items() if k != "taishan"])
    edge = [
        Point(c)
        for c in shapely.get_coordinates(districts.geometry["taishan"])
        if city.boundary.distance(Point(c)) < 1e-9 and others.distance(Point(c)) > 0.01
    ]
    assert edge
    out = _assign_districts(frame_of(edge[len(edge) // 2]), layers["districts"])
    assert district_of(out["district"].iloc[0]) == "taishan"
    assert out["districts"].iloc[0] == ["taishan"]


def test_a_line_ending_on_a_district_border_from_outside_belongs_to_that_district(layers):
    """It lies entirely outside but for its end point, on 台山's coast: it lands in 台山 (no length inside)."""
    districts = layers["districts"].set_index("id")
    city = layers["city"].geometry.iloc[0]
    others = shapely.union_all([g for k, g in districts.geometry.items() if k != "taishan"])
    centre = city.representative_point()

    def out_to_sea(c):
        """A line from far out, away from the city's centre, to the coast vertex ``c``."""
        return LineString([(c.x + 3 * (c.x - centre.x), c.y + 3 * (c.y - centre.y)), (c.x, c.y)])

    coast = [
        Point(c)
        for c in shapely.get_coordinates(districts.geometry["taishan"])
        if city.boundary.distance(Point(c)) < 1e-9 and others.distance(Point(c)) > 0.05
    ]
    # one that touches the city only at its end (no length inside any district)
    line = next(line for line in map(out_to_sea, coast) if shapely.intersection(line, city).length == 0)
    assert line.intersects(city)
    out = _assign_districts(frame_of(line), layers["districts"])
    assert district_of(out["district"].iloc[0]) == "taishan"


def test_a_line_in_pieces_goes_by_the_length_of_all_its_pieces(layers):
    """A MultiLineString: a long piece in 开平 and two short ones in 台山 belong to 开平."""
    districts = layers["districts"].set_index("id")
    kaiping, taishan = districts.geometry["kaiping"], districts.geometry["taishan"]

    def piece_inside(poly, length):
        p = poly.representative_point()
        return LineString([(p.x - length / 2, p.y), (p.x + length / 2, p.y)]).intersection(poly)

    long_piece = piece_inside(kaiping, 0.2)
    short = [piece_inside(taishan, 0.04), piece_inside(taishan.buffer(-0.05), 0.04)]
    geom = shapely.union_all([long_piece, *short])
    assert geom.geom_type == "MultiLineString"
    out = _assign_districts(frame_of(geom), layers["districts"])
    assert district_of(out["district"].iloc[0]) == "kaiping" == expected_district(geom, layers["districts"])
    assert out["districts"].iloc[0] == ["kaiping", "taishan"]


def test_a_schematic_circle_larger_than_its_district_goes_by_area(layers):
    districts = layers["districts"].set_index("id")
    centre = districts.geometry["jianghai"].representative_point()
    circle = centre.buffer(0.4)  # ~40 km: far larger than 江海 (110 km²)
    out = _assign_districts(frame_of(circle), layers["districts"])
    assert district_of(out["district"].iloc[0]) == expected_district(circle, layers["districts"])
    assert district_of(out["district"].iloc[0]) != "jianghai"  # its centre's district holds little of it


def test_an_area_mostly_at_sea_that_reaches_the_coast_lands_in_that_district(layers):
    """A schematic circle off 台山's coast with a sliver on land: mostly outside the city, in 台山 all the same."""
    districts = layers["districts"].set_index("id")
    city = layers["city"].geometry.iloc[0]
    taishan = districts.geometry["taishan"]
    inside = taishan.representative_point()
    # from a point well inside 台山, go south until the circle of 10 km holds only a sliver of land
    for step in range(1, 200):
        centre = Point(inside.x, inside.y - 0.01 * step)
        circle = centre.buffer(0.09)
        land = circle.intersection(city).area / circle.area
        if 0 < land < 0.2:
            break
    else:
        pytest.fail("no circle off the coast found")
    touched = districts[districts.intersects(circle)].index.tolist()
    out = _assign_districts(frame_of(circle), layers["districts"])
    assert district_of(out["district"].iloc[0]) == expected_district(circle, layers["districts"])
    assert district_of(out["district"].iloc[0]) in touched and "taishan" in touched


def test_a_feature_touching_no_district_is_outside(layers):
    out = _assign_districts(
        frame_of(Point(114.17, 22.30), LineString([(114.0, 22.3), (114.2, 22.4)])), layers["districts"]
    )
    assert [district_of(d) for d in out["district"]] == [None, None]
    assert out["districts"].tolist() == [[], []]
