"""The command line: build writes and prints every output; check lists every problem; bad data loses nothing."""

import subprocess
import sys
from pathlib import Path


from conftest import edit_json

JMGEO = [str(Path(sys.executable).parent / "jmgeo")]


def run(args, **kw):
    return subprocess.run(JMGEO + args, capture_output=True, text=True, timeout=300, **kw)


def test_help_lists_the_commands():
    result = run(["--help"])
    assert result.returncode == 0, result.stderr
    assert "build" in result.stdout and "check" in result.stdout
    build_help = run(["build", "--help"])
    assert "--out" in build_help.stdout and "default: maps" in build_help.stdout


def test_python_dash_m_runs_the_same_cli():
    result = subprocess.run([sys.executable, "-m", "jmgeo", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("jmgeo ")


def test_the_package_and_the_cli_start_without_the_heavy_imports():
    """``import jmgeo`` and ``jmgeo --help`` load geopandas, folium and pypinyin only when used."""
    code = (
        "import sys, jmgeo, jmgeo.cli; heavy = {'geopandas', 'folium', 'pypinyin', 'pyogrio'}; "
        "print(sorted(heavy & set(sys.modules))); jmgeo.load_layers; print('geopandas' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["[]", "True"]


def test_check_passes_on_the_builtin_data():
    result = run(["check"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("geodata OK")


def test_build_prints_every_path_it_wrote(tmp_path):
    out = tmp_path / "maps"
    result = run(["build", "--out", str(out), "--quiet"])
    assert result.returncode == 0, result.stderr
    printed = [Path(line) for line in result.stdout.split()]
    assert out / "jiangmen.html" in printed and out / "jiangmen.gpkg" in printed
    assert out / "geojson" / "logistics_hubs.geojson" in printed
    assert all(p.is_file() and p.stat().st_size > 0 for p in printed)
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == sorted(p.name for p in printed)


def test_check_lists_every_problem_with_file_and_record(geodata_copy):
    hubs = geodata_copy / "places" / "logistics_hubs.json"

    def break_hubs(data):
        data["records"][0]["precision"] = "exact"
        data["records"][1]["geometry"]["coordinates"] = [22.6, 112.9]  # lat/lon swapped
        data["records"][2]["position"].pop("source")

    edit_json(hubs, break_hubs)
    result = run(["check", "--geodata", str(geodata_copy)])
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(str(hubs) in ln and "precision" in ln and "exact" in ln for ln in lines), lines
    assert any(str(hubs) in ln and "[lat, lon]" in ln for ln in lines), lines
    assert any(str(hubs) in ln and "position must be an object" in ln for ln in lines), lines
    assert all(" line " in ln for ln in lines if str(hubs) in ln)


def test_fact_naming_an_unknown_feature_is_reported(geodata_copy):
    path = sorted((geodata_copy / "facts").glob("*.json"))[0]
    edit_json(path, lambda d: d["facts"][0]["feature_ids"].append("atlantis"))
    result = run(["check", "--geodata", str(geodata_copy)])
    assert result.returncode == 1
    assert f'{path}' in result.stdout and 'unknown feature "atlantis"' in result.stdout


def test_bad_json_names_file_and_line(geodata_copy):
    path = geodata_copy / "places" / "sites.json"
    text = path.read_text(encoding="utf-8").splitlines()
    text[5] = text[5] + ","  # a stray comma
    path.write_text("\n".join(text), encoding="utf-8")
    result = run(["check", "--geodata", str(geodata_copy)])
    assert result.returncode == 1
    assert f"{path} line " in result.stdout + result.stderr


def test_bad_data_leaves_earlier_outputs_intact(tmp_path, geodata_copy):
    out = tmp_path / "maps"
    first = run(["build", "--out", str(out), "--quiet", "--geodata", str(geodata_copy)])
    assert first.returncode == 0, first.stderr
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    edit_json(geodata_copy / "places" / "sites.json", lambda d: d["records"][0].update(id="Bad Id"))
    second = run(["build", "--out", str(out), "--quiet", "--geodata", str(geodata_copy)])
    assert second.returncode == 2  # bad data: the user's to fix
    assert "sites.json" in second.stderr and "snake_case" in second.stderr
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
