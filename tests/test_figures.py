"""The static figures (jmgeo._figures): PNG/SVG/PDF that decode, Chinese that renders, a true scale bar, same bytes."""

from __future__ import annotations

import ast
import copy
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont
from PIL import Image
from pyproj import Transformer

import jmgeo
import jmgeo._figures
from conftest import edit_json
from jmgeo import _crs as crs
from jmgeo._errors import DataError, FontMissingError, JmgeoError, ValidationError
from jmgeo._figures import (
    FIGURE_COLORS,
    FIGURE_TEXTS,
    find_cjk_font,
    load_figure_style,
    make_figure,
    parse_figure_style,
    render_images,
)
from jmgeo._jsonfile import read_json
from jmgeo._registry import find_geodata_dir

FIGURES_JSON = find_geodata_dir() / "figures.json"
FIGURES_DATA = read_json(FIGURES_JSON)
SECTIONS = {"color": "colors", "text": "text"}  # FigureStyle method -> its section of figures.json


def _used_in_code() -> list[tuple[str, str]]:
    """Every (section, key) the module asks for: each ``style.color("...")`` and ``style.text("...")`` call."""
    tree = ast.parse(Path(jmgeo._figures.__file__).read_text(encoding="utf-8"))
    used = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SECTIONS):
            continue
        owner = node.func.value
        is_style = (isinstance(owner, ast.Name) and owner.id == "style") or (
            isinstance(owner, ast.Attribute) and owner.attr == "style"
        )
        if is_style and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            used.add((SECTIONS[node.func.attr], node.args[0].value))
    return sorted(used)


USED = _used_in_code()
ENTRIES = [(section, key) for section in ("colors", "text") for key in sorted(FIGURES_DATA[section])]


def test_png_decodes_at_the_page_size(built):
    image = Image.open(built / "jiangmen.png")
    image.load()
    # A4 landscape (11.69 × 8.27 in) at the default 200 dpi.
    assert image.size == (round(11.69 * 200), round(8.27 * 200))
    pixels = np.asarray(image.convert("RGB"))
    # Drawn, not blank: the layer colours from layers.json appear (e.g. the logistics green #1b9e77).
    assert (np.abs(pixels.astype(int) - [0x1B, 0x9E, 0x77]).sum(axis=2) < 30).sum() > 200
    packed = (pixels[..., 0].astype(np.int32) << 16) | (pixels[..., 1].astype(np.int32) << 8) | pixels[..., 2]
    assert len(np.unique(packed)) > 1000


def test_pdf_and_svg_are_vector_files_with_the_chinese_font(built):
    pdf = (built / "jiangmen.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    font_name = Path(find_cjk_font()).stem.split("-")[0].encode()  # e.g. NotoSansSC
    assert re.search(rb"/FontName /[A-Z]{6}\+" + font_name, pdf), "the CJK font is not embedded in the PDF"
    assert b"/CreationDate" not in pdf
    svg = (built / "jiangmen.svg").read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    # Text is drawn as glyph outlines from the CJK font (no font needed to view it), and kept
    # as a comment beside them, so the labels are searchable in the file.
    glyphs = set(re.findall(r'id="([A-Za-z]+[A-Za-z-]*-[0-9a-f]+)"', svg))
    assert sum(g.startswith(font_name.decode()) for g in glyphs) > 100
    for name in ("图例 Legend", "区县 Districts", "物流枢纽与港口 Logistics hubs and ports"):
        assert name in svg
    assert "<dc:date>" not in svg


def _render_chars(font_path: Path | None, chars: str) -> list[np.ndarray]:
    prop = FontProperties(fname=str(font_path)) if font_path else FontProperties(family="DejaVu Sans")
    out = []
    for ch in chars:
        fig = Figure(figsize=(0.6, 0.6), dpi=60)
        fig.text(0.5, 0.5, ch, fontproperties=prop, size=24, ha="center", va="center")
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        out.append(np.asarray(Image.open(buf).convert("L")))
    return out


def test_the_chinese_font_draws_real_glyphs_not_tofu():
    font = find_cjk_font()
    jiang, men = _render_chars(font, "江门")
    assert (jiang < 128).sum() > 20 and (men < 128).sum() > 20  # ink on the page
    assert not np.array_equal(jiang, men)  # two different characters look different
    # Control: a Latin-only font draws the same empty box for both (and matplotlib warns).
    assert "DejaVu" in findfont(FontProperties(family="DejaVu Sans"))
    with pytest.warns(UserWarning, match="Glyph .* missing"):
        tofu_jiang, tofu_men = _render_chars(None, "江门")
    assert np.array_equal(tofu_jiang, tofu_men)


def test_a_font_without_chinese_is_refused_with_a_clear_message(monkeypatch):
    dejavu = findfont(FontProperties(family="DejaVu Sans"))
    monkeypatch.setenv("JMGEO_CJK_FONT", dejavu)
    with pytest.raises(FontMissingError, match=r"JMGEO_CJK_FONT=.*DejaVu.*lacks") as refused:
        find_cjk_font("江门")
    assert isinstance(refused.value, JmgeoError)  # one `except JmgeoError` catches it with the data errors


def test_a_label_the_font_cannot_draw_stops_the_render(layers):
    changed = {name: frame.copy() for name, frame in layers.items()}
    # U+E000 is a private-use code point: no font has a Chinese glyph for it.
    changed["sites"].loc[changed["sites"].index[0], "name_zh"] = "\ue000实验室"
    with pytest.raises(FontMissingError, match="lacks"):
        render_images(changed, formats=("png",), dpi=30)


@pytest.fixture(scope="module")
def small_figure(layers):
    fig = make_figure(layers, dpi=40)
    fig.canvas.draw()
    return fig


def test_scale_bar_length_is_true_in_metres(layers, small_figure):
    fig = small_figure
    bars = [a for ax in fig.axes for a in ax.artists if type(a).__name__ == "ScaleBar"]
    assert len(bars) == 2  # the city map and the enlargement
    for bar in bars:
        info = bar.info
        factor = {"m": 1, "km": 1000}[info.units]
        # The bar is drawn in data units (UTM metres), and its label states the same length.
        assert info.length_px == pytest.approx(info.value * factor, rel=1e-9)
        assert info.scale_text == f"{info.value:g} {info.units}"
    # And a data unit is a metre on the ground: projected vs geodesic distance across the city.
    minx, miny, maxx, maxy = layers["city"].total_bounds
    to_utm = Transformer.from_crs(crs.WGS84, crs.UTM_49N, always_xy=True)
    for lat in (miny, maxy):
        (x1, x2), (y1, y2) = to_utm.transform([minx, maxx], [lat, lat])
        ground = crs.geodesic_distance_m(minx, lat, maxx, lat)
        assert np.hypot(x2 - x1, y2 - y1) == pytest.approx(ground, rel=3e-4)


def test_the_map_is_fitted_to_jiangmen(layers, small_figure):
    main = small_figure.axes[0]
    city = layers["city"].to_crs(crs.UTM_49N).total_bounds
    x0, x1 = main.get_xlim()
    y0, y1 = main.get_ylim()
    assert x0 < city[0] and x1 > city[2] and y0 < city[1] and y1 > city[3]
    # ... and not much more: the partner ports in Shenzhen are outside the main frame.
    yantian = layers["logistics_hubs"].set_index("id").to_crs(crs.UTM_49N).geometry["yantian_port"]
    assert yantian.x > x1
    assert (x1 - x0) < 1.2 * (city[2] - city[0]) or (y1 - y0) < 1.2 * (city[3] - city[1])


def test_another_process_writes_identical_images(built, tmp_path):
    # The build fixture drew the images in this process; draw them again in a fresh one.
    code = "import sys, jmgeo; jmgeo.write_static(sys.argv[1])"
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    for fmt in ("png", "svg", "pdf"):
        assert (tmp_path / f"jiangmen.{fmt}").read_bytes() == (built / f"jiangmen.{fmt}").read_bytes(), fmt


def test_build_writes_the_images_when_asked(built, monkeypatch, tmp_path):
    assert all((built / f"jiangmen.{fmt}").stat().st_size > 10_000 for fmt in ("png", "svg", "pdf"))
    import jmgeo._build
    from jmgeo import cli

    calls = []
    monkeypatch.setattr(jmgeo._build, "build_atlas", lambda out, **kw: calls.append(kw) or [])
    assert cli.main(["build", "--out", str(tmp_path), "-q"]) == 0
    assert cli.main(["build", "--out", str(tmp_path), "--static", "-q"]) == 0
    assert [c["static"] for c in calls] == [False, True]


def test_without_the_packaged_font_a_system_cjk_font_is_used(monkeypatch):
    import jmgeo._figures as figures

    monkeypatch.delenv("JMGEO_CJK_FONT", raising=False)
    monkeypatch.setattr(figures, "_packaged_font", lambda: None)
    # Command 2 installs Debian's fonts-noto-cjk; the fallback must find it and it must cover the labels.
    path = find_cjk_font("江门市蓬江区高沙港")
    assert "cjk" in path.name.lower()
    monkeypatch.setattr(figures, "_system_fonts", lambda: [])
    with pytest.raises(FontMissingError, match="pylopdf-fonts-zh-cn.*fonts-noto-cjk.*JMGEO_CJK_FONT"):
        find_cjk_font("江门")


# --- geodata/figures.json: the figures' own colours and text --------------------------------------


@pytest.mark.parametrize(("section", "key"), USED, ids=[f"{s}.{k}" for s, k in USED])
def test_every_colour_and_text_the_figures_use_is_in_the_data_file(section, key):
    entry = FIGURES_DATA[section].get(key)
    assert entry is not None, f"{FIGURES_JSON}: the figures use {section}.{key}, the file lacks it"
    assert entry["note"].strip()
    declared = FIGURE_COLORS if section == "colors" else FIGURE_TEXTS
    assert key in declared, f"{section}.{key} is used but not declared, so the loader does not check it"


def test_the_scan_finds_every_declared_entry_and_the_file_holds_no_other():
    # The scan above is the proof the other tests rely on: it must see every declared entry in use,
    # and the data file must hold exactly the declared entries (nothing stale, nothing unread).
    assert set(USED) == {("colors", k) for k in FIGURE_COLORS} | {("text", k) for k in FIGURE_TEXTS}
    assert set(ENTRIES) == set(USED)


@pytest.mark.parametrize(("section", "key"), ENTRIES, ids=[f"{s}.{k}" for s, k in ENTRIES])
def test_an_entry_missing_from_the_data_file_is_an_error_naming_it(section, key):
    data = copy.deepcopy(FIGURES_DATA)
    del data[section][key]
    with pytest.raises(DataError, match=rf"figures\.json {section}\.{key}: missing; add"):
        parse_figure_style(FIGURES_JSON, data)


def test_the_data_file_loads_as_written():
    style = load_figure_style()
    assert style.color("zoom") == FIGURES_DATA["colors"]["zoom"]["color"]
    assert style.color("precision_key_fill") == tuple(FIGURES_DATA["colors"]["precision_key_fill"]["color"])
    assert style.text("more_places") == FIGURES_DATA["text"]["more_places"]["text"]


def test_the_data_file_is_pretty_printed_with_sorted_keys():
    text = FIGURES_JSON.read_text(encoding="utf-8")
    assert text == json.dumps(FIGURES_DATA, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["colors"]["zoom"].update(color="#12345"), r"colors\.zoom: '#12345' is not a colour"),
        (lambda d: d["colors"]["precision_key_fill"].update(color=[0.27, 0.27]), r"three numbers from 0 to 1"),
        (lambda d: d["colors"]["halo"].update(color=[1, 1, 2]), r"colors\.halo: an \[r, g, b\] colour"),
        (lambda d: d["text"]["north"].update(text=" "), r"text\.north: \"text\" must be a non-empty string"),
        (lambda d: d["text"]["north"].update(note=""), r"text\.north: \"note\" is empty"),
        (lambda d: d["text"]["north"].update(colour="red"), r"text\.north: expected exactly the keys"),
        (lambda d: d["text"].update(nort={"text": "北", "note": "typo"}), r"text\.nort: not used by the figures"),
        (lambda d: d.update(colours={}), r"figures\.json colours: unknown key"),
        (lambda d: d.pop("text"), r"figures\.json text: missing or not an object"),
    ],
)
def test_a_malformed_data_file_is_refused_naming_the_entry(change, message):
    data = copy.deepcopy(FIGURES_DATA)
    change(data)
    with pytest.raises(DataError, match=message):
        parse_figure_style(FIGURES_JSON, data)


def test_every_problem_in_the_data_file_is_reported_at_once():
    data = copy.deepcopy(FIGURES_DATA)
    del data["colors"]["zoom"]
    del data["text"]["north"]
    with pytest.raises(ValidationError) as failed:
        parse_figure_style(FIGURES_JSON, data)
    assert [p.record for p in failed.value.problems] == ["colors.zoom", "text.north"]


def test_bad_json_in_the_data_file_is_reported_with_its_line(geodata_copy):
    path = geodata_copy / "figures.json"
    path.write_text(path.read_text(encoding="utf-8").replace('"north": {', '"north": {,', 1), encoding="utf-8")
    with pytest.raises(DataError, match=r"figures\.json line \d+ column \d+: invalid JSON"):
        load_figure_style(geodata_copy)


def test_the_figure_draws_the_text_and_colours_of_the_data_file(layers, geodata_copy):
    # Edit the data file, not the code: the new words and colour must reach the image.
    def change(data):
        data["text"]["inset_title"]["text"] = "周边区域 Around Jiangmen"
        data["colors"]["inset_frame"]["color"] = "#00ff7f"

    edit_json(geodata_copy / "figures.json", change)
    svg = render_images(layers, formats=("svg",), dpi=30, geodata_dir=geodata_copy)["svg"].decode("utf-8")
    assert "周边区域 Around Jiangmen" in svg and "区域 Region" not in svg
    assert "#00ff7f" in svg and "#d32f2f" not in svg


@pytest.mark.parametrize("invisible", ["\u200b", "\u202e", "\ufeff", "\x07"])
def test_an_invisible_character_is_named_not_blamed_on_the_font(layers, invisible):
    """Issue 17: a zero-width space, a right-to-left override, a BOM or a control character is reported as itself."""
    changed = {name: frame.copy() for name, frame in layers.items()}
    changed["sites"].loc[changed["sites"].index[0], "name_zh"] = f"实验{invisible}室"
    with pytest.raises(jmgeo.ArgumentError, match=f"U\\+{ord(invisible):04X}") as refused:
        render_images(changed, formats=("png",), dpi=30)
    assert "cannot be drawn" in str(refused.value) and "font" not in str(refused.value).lower()


def test_dollar_signs_in_a_name_are_drawn_as_written_not_as_math(layers):
    """An unbalanced math expression would make matplotlib's mathtext raise; drawn literally, it is just text."""
    changed = {name: frame.copy() for name, frame in layers.items()}
    changed["sites"].loc[changed["sites"].index[0], "name_zh"] = r"实验室 $\frac{1}{$ 100$"
    png = render_images(changed, formats=("png",), dpi=30, title=r"标题 $x^2$ \$ Title")["png"]
    assert png.startswith(b"\x89PNG")


def test_the_figure_draws_the_neighbours_land_in_grey_with_their_names_and_the_towns(layers, small_figure):
    """The context layers (role context) make the printed image a map: neighbouring land in grey, named; towns."""
    from matplotlib.colors import to_hex

    land = load_figure_style().color("context_land")

    def drawn(fig):
        names = {t.get_text() for ax in fig.axes[:2] for t in ax.texts if t.get_visible()}
        fills = {to_hex(c) for coll in fig.axes[0].collections for c in coll.get_facecolor()}
        return names, fills

    names, fills = drawn(small_figure)
    neighbours = set(layers["neighbours"]["name_zh"])
    towns = set(layers["towns"]["name_zh"]) - set(layers["districts"]["name_zh"])  # GeoNames lists 江海区 too
    assert len(names & neighbours) >= 5, names & neighbours  # the cities around Jiangmen the city map shows
    assert len(names & towns) >= 10  # the towns, where their names overlap no other label
    assert land in fills
    places_only = [n for n in layers if n not in ("neighbours", "towns")]
    without = make_figure(layers, layer_ids=places_only, dpi=40)
    without.canvas.draw()
    names, fills = drawn(without)
    assert not names & (neighbours | towns) and land not in fills


def _rule_artists(fig, gid: str) -> list:
    return [c for c in fig.axes[0].collections + fig.axes[1].collections if c.get_gid() == gid]


def test_at_city_scale_no_wall_of_circles_and_every_symbol_shows(layers, geodata_dir):
    """The figures follow the page's rule (layers.json): at the city map's scale, below ``all_from_zoom`` and
    ``full_from_zoom``, no point's uncertainty circle and the schematic areas as a thin outline with no fill;
    every point symbol is drawn over them, its inside the marker's own colour."""
    from matplotlib.colors import to_rgb

    from jmgeo._figures import SCHEMATIC_GID, UNCERTAINTY_GID, panel_zoom

    registry = read_json(geodata_dir / "layers.json")
    halos, areas = registry["uncertainty_halos"], registry["schematic_areas"]
    fig = make_figure(layers, dpi=100)
    fig.canvas.draw()
    city = fig.axes[0]
    (x0, x1), (y0, y1) = city.get_xlim(), city.get_ylim()
    zoom = panel_zoom(city, (x0, y0, x1, y1))
    assert zoom < min(halos["all_from_zoom"], areas["full_from_zoom"])  # the city map is a city view
    assert _rule_artists(fig, UNCERTAINTY_GID) == []
    outlines = _rule_artists(fig, SCHEMATIC_GID)
    assert outlines, "the schematic areas are still drawn, as outlines"
    for artist in outlines:
        assert artist.get_facecolor().size == 0 or (artist.get_facecolor()[:, 3] == 0).all()
        assert artist.get_linewidth() == pytest.approx([areas["rest"]["weight"] * 0.75])
    # each hollow place symbol on the city map shows white at its centre: nothing drawn over or through it
    image = np.asarray(fig.canvas.buffer_rgba())[:, :, :3].astype(int)
    white = np.array(to_rgb(load_figure_style().color("hollow_marker"))) * 255
    proj = {name: frame.to_crs(crs.UTM_49N) for name, frame in layers.items()}
    checked, height = 0, image.shape[0]
    spots = []  # (id, display x, y) of every hollow place symbol on the city map
    for name in ("industrial_parks", "logistics_hubs", "sites"):
        frame = proj[name]
        for row in frame[(frame.geom_type == "Point") & (frame["precision"] != "surveyed")].itertuples():
            if x0 < row.geometry.x < x1 and y0 < row.geometry.y < y1:
                spots.append((row.id, *city.transData.transform((row.geometry.x, row.geometry.y))))
    for fid, px, py in spots:
        if any(o != fid and np.hypot(px - ox, py - oy) < 10 for o, ox, oy in spots):
            continue  # another symbol overlaps this one (a place inside another): not the rule's concern
        centre = image[height - int(round(py)), int(round(px))]
        assert np.abs(centre - white).max() <= 40, (fid, centre)
        checked += 1
    assert checked >= 8


def test_the_figures_rule_comes_from_the_registry(layers, geodata_copy):
    """From zoom 0 on (layers.json changed): every circle and the schematic areas' own look, as the page would."""
    from jmgeo._figures import SCHEMATIC_GID, UNCERTAINTY_GID

    def change(data):
        data["uncertainty_halos"]["all_from_zoom"] = 0
        data["schematic_areas"]["full_from_zoom"] = 0

    edit_json(geodata_copy / "layers.json", change)
    fig = make_figure(layers, dpi=40, geodata_dir=geodata_copy)
    assert _rule_artists(fig, UNCERTAINTY_GID) and not _rule_artists(fig, SCHEMATIC_GID)


def test_the_precision_key_says_how_schematic_areas_print_at_the_registrys_zoom(layers, geodata_copy):
    """The legend's last precision entry names the page's zoom for schematic areas, read from layers.json."""

    def change(data):
        data["schematic_areas"]["full_from_zoom"] = 13

    edit_json(geodata_copy / "layers.json", change)
    svg = render_images(layers, formats=("svg",), dpi=30, geodata_dir=geodata_copy)["svg"].decode("utf-8")
    template = load_figure_style(geodata_copy).text("schematic_key")
    zh, en = template.format(zoom=13).split("\n")
    assert zh in svg and en in svg and template.format(zoom=11).split("\n")[1] not in svg
