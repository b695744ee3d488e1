"""The command line: build writes and prints every output; check lists every problem; bad data loses nothing."""

import subprocess
import sys
from pathlib import Path

from conftest import edit_json


def test_help_lists_the_commands(cli):
    code, out, err = cli(["--help"])
    assert code == 0, err
    assert "build" in out and "check" in out
    code, build_help, err = cli(["build", "--help"])
    assert code == 0, err
    assert "--out" in build_help and "default: maps" in build_help


def test_the_jmgeo_script_is_installed():
    # the console script itself, as command 1 of the README runs it: only a process can test that
    result = subprocess.run(
        [str(Path(sys.executable).parent / "jmgeo"), "--version"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and result.stdout.startswith("jmgeo "), result.stderr


def test_python_dash_m_runs_the_same_cli():
    # python -m jmgeo goes through __main__.py and sys.exit: only a process can test that
    result = subprocess.run([sys.executable, "-m", "jmgeo", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("jmgeo ")


def test_the_package_and_the_cli_start_without_the_heavy_imports():
    """``import jmgeo`` and ``jmgeo --help`` load geopandas, folium and pypinyin only when used."""
    # a fresh interpreter: this one has imported them already
    code = (
        "import sys, jmgeo, jmgeo.cli; heavy = {'geopandas', 'folium', 'pypinyin', 'pyogrio'}; "
        "print(sorted(heavy & set(sys.modules))); jmgeo.load_layers; print('geopandas' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["[]", "True"]


def test_check_passes_on_the_builtin_data(cli):
    code, out, err = cli(["check"])
    assert code == 0, out + err
    assert out.startswith("geodata OK")


def test_build_prints_every_path_it_wrote(tmp_path, cli):
    out = tmp_path / "maps"
    code, stdout, err = cli(["build", "--out", out, "--quiet"])
    assert code == 0, err
    printed = [Path(line) for line in stdout.split()]
    assert out / "jiangmen.html" in printed and out / "jiangmen.gpkg" in printed
    assert out / "geojson" / "logistics_hubs.geojson" in printed
    assert all(p.is_file() and p.stat().st_size > 0 for p in printed)
    assert sorted(p.name for p in out.rglob("*") if p.is_file()) == sorted(p.name for p in printed)


def test_check_lists_every_problem_with_file_and_record(geodata_copy, cli):
    hubs = geodata_copy / "places" / "logistics_hubs.json"

    def break_hubs(data):
        data["records"][0]["precision"] = "exact"
        data["records"][1]["geometry"]["coordinates"] = [22.6, 112.9]  # lat/lon swapped
        data["records"][2]["position"].pop("source")

    edit_json(hubs, break_hubs)
    code, out, _ = cli(["check", "--geodata", geodata_copy])
    assert code == 1
    lines = out.splitlines()
    assert any(str(hubs) in ln and "precision" in ln and "exact" in ln for ln in lines), lines
    assert any(str(hubs) in ln and "[lat, lon]" in ln for ln in lines), lines
    assert any(str(hubs) in ln and "position must be an object" in ln for ln in lines), lines
    assert all(" line " in ln for ln in lines if str(hubs) in ln)


def test_fact_naming_an_unknown_feature_is_reported(geodata_copy, cli):
    path = sorted((geodata_copy / "facts").glob("*.json"))[0]
    edit_json(path, lambda d: d["facts"][0]["feature_ids"].append("atlantis"))
    code, out, _ = cli(["check", "--geodata", geodata_copy])
    assert code == 1
    assert f"{path}" in out and 'unknown feature "atlantis"' in out


def test_bad_json_names_file_and_line(geodata_copy, cli):
    path = geodata_copy / "places" / "sites.json"
    text = path.read_text(encoding="utf-8").splitlines()
    text[5] = text[5] + ","  # a stray comma
    path.write_text("\n".join(text), encoding="utf-8")
    code, out, err = cli(["check", "--geodata", geodata_copy])
    assert code == 1
    assert f"{path} line " in out + err


def test_bad_data_leaves_earlier_outputs_intact(tmp_path, geodata_copy, cli):
    out = tmp_path / "maps"
    code, _, err = cli(["build", "--out", out, "--quiet", "--geodata", geodata_copy])
    assert code == 0, err
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    edit_json(geodata_copy / "places" / "sites.json", lambda d: d["records"][0].update(id="Bad Id"))
    code, _, err = cli(["build", "--out", out, "--quiet", "--geodata", geodata_copy])
    assert code == 2  # bad data: the user's to fix
    assert "sites.json" in err and "snake_case" in err
    after = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
