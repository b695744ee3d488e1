"""The docs stay in step with the code: the README's commands, the CLI reference, links and the geodata schema."""

from __future__ import annotations

import argparse
import fnmatch
import importlib.util
import json
import re
import shlex
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from conftest import ROOT
from jmgeo.cli import _parser

README = ROOT / "README.md"
SCHEMA = ROOT / "geodata" / "SCHEMA.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
MARKDOWN = [README, SCHEMA, *DOCS]


def load_cli_docs():
    """scripts/cli_docs.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("cli_docs", ROOT / "scripts" / "cli_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def subcommands() -> dict[str, argparse.ArgumentParser]:
    return load_cli_docs().subcommands(_parser())


_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.S | re.M)
_INLINE = re.compile(r"`([^`\n]+)`")


def code_text(text: str) -> list[str]:
    """The fenced code blocks and inline code spans of a Markdown text."""
    blocks = _FENCE.findall(text)
    prose = _FENCE.sub("", text)
    return blocks + _INLINE.findall(prose)


def readme_commands() -> list[str]:
    """The commands of the README's first code block, one per line, without their comments."""
    text = README.read_text(encoding="utf-8")
    block = _FENCE.search(text)
    assert block, "README.md has no code block"
    lines = [ln.split("#", 1)[0].strip() for ln in block.group(1).splitlines()]
    return [ln for ln in lines if ln]


# (1) ------------------------------------------------------------------------------------------


def test_the_readme_is_a_front_door():
    size = README.stat().st_size
    assert size < 20_000, f"README.md is {size} bytes; move depth into docs/ and link it"


# (2) ------------------------------------------------------------------------------------------


def test_readme_command_2_is_what_ci_runs():
    commands = readme_commands()
    assert len(commands) == 2, commands
    ci = [ln.strip() for ln in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    ci = [ln for ln in ci if ln and not ln.startswith("#") and not ln.startswith(("set ", "cd "))]
    assert ci == [commands[1]], f".ci/run runs {ci}, README command 2 is {commands[1]!r}"


def test_readme_command_1_exists():
    setup_sh = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    console_scripts = {ep.name: ep.value for ep in entry_points(group="console_scripts")}
    for command in readme_commands():
        for part in command.split("&&"):
            words = shlex.split(part)
            program = words[0]
            if program == "scripts/setup.sh":
                assert (ROOT / program).is_file()
                for flag in words[1:]:
                    assert re.search(rf"^\s*{re.escape(flag)}(\|[^)]*)?\)", setup_sh, re.M), (
                        f"setup.sh has no {flag} option"
                    )
            elif program == ".venv/bin/jmgeo":
                assert console_scripts.get("jmgeo") == "jmgeo.cli:main"
                assert words[1] in subcommands(), f"{command}: no such command jmgeo {words[1]}"
            elif program == ".venv/bin/python":
                assert words[1:3] == ["-m", "pytest"], command
            else:
                pytest.fail(f"README command {command!r}: unknown program {program}")


# (3) ------------------------------------------------------------------------------------------


def test_cli_reference_is_generated_from_the_parser():
    expected = load_cli_docs().render()
    actual = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/cli.md is out of date: run .venv/bin/python scripts/cli_docs.py"


def test_cli_reference_is_what_help_prints(cli, monkeypatch):
    cli_docs = load_cli_docs()
    monkeypatch.setenv("COLUMNS", str(cli_docs.WIDTH))
    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for argv in [[], *([name] for name in subcommands())]:
        code, out, err = cli([*argv, "--help"])
        assert code == 0, err
        title = " ".join(["jmgeo", *argv])
        assert f"```text\n$ {title} --help\n{out.rstrip()}\n```" in text, f"{title} --help differs from docs/cli.md"


# (4) ------------------------------------------------------------------------------------------


def test_every_command_and_option_is_documented():
    readme = README.read_text(encoding="utf-8")
    documented = readme + (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    parser = _parser()
    for action in parser._actions:
        for option in action.option_strings:
            assert option in documented, f"jmgeo {option} is not in README.md or docs/cli.md"
    for name, sub in subcommands().items():
        assert f"jmgeo {name}" in readme, f"README.md does not mention jmgeo {name}"
        for action in sub._actions:
            for option in action.option_strings:
                assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", documented), (
                    f"jmgeo {name} {option} is not documented"
                )
            if not action.option_strings and action.metavar:
                assert action.metavar in documented, f"jmgeo {name} {action.metavar} is not documented"


_COMMAND = re.compile(r"(?:^|[\s/(])jmgeo[ \t]+([a-z][\w-]*)", re.M)


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_command_in_the_docs_exists(path):
    known = set(subcommands())
    named = {m for code in code_text(path.read_text(encoding="utf-8")) for m in _COMMAND.findall(code)}
    assert named <= known, f"{path.name} names jmgeo {sorted(named - known)}, which do not exist ({sorted(known)})"


def test_commands_in_the_docs_are_found():
    # the check above must see the commands the README does name
    named = {m for code in code_text(README.read_text(encoding="utf-8")) for m in _COMMAND.findall(code)}
    assert named == set(subcommands())
    assert [m for code in code_text("run `jmgeo publish` then") for m in _COMMAND.findall(code)] == ["publish"]


# (5) ------------------------------------------------------------------------------------------

_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def slug(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = _FENCE.sub("", path.read_text(encoding="utf-8"))
    return {slug(m) for m in re.findall(r"^#+\s+(.*)$", text, re.M)}


@pytest.mark.parametrize("path", MARKDOWN, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_points_to_a_file(path):
    text = _FENCE.sub("", path.read_text(encoding="utf-8"))
    links = _LINK.findall(text)
    for link in links:
        if re.match(r"^[a-z]+:", link):
            continue  # http:, https:, mailto:
        target, _, anchor = link.partition("#")
        file = (path.parent / target).resolve() if target else path
        assert file.exists(), f"{path.name}: link {link} points to {file}, which does not exist"
        assert ROOT in file.parents or file == ROOT, f"{path.name}: link {link} leaves the repository"
        if anchor and file.suffix == ".md":
            assert anchor in anchors(file), f"{path.name}: link {link}: no heading #{anchor} in {file.name}"


def test_every_doc_can_be_reached_from_the_readme():
    seen, todo = {README}, [README]
    while todo:
        page = todo.pop()
        for link in _LINK.findall(_FENCE.sub("", page.read_text(encoding="utf-8"))):
            target = (page.parent / link.partition("#")[0]).resolve()
            if target.suffix == ".md" and target.is_file() and target not in seen:
                seen.add(target)
                todo.append(target)
    orphans = sorted(p.name for p in [SCHEMA, *DOCS] if p.resolve() not in seen)
    assert not orphans, f"no link leads from README.md to {orphans}: link them from the README or a doc"


def test_the_link_check_can_fail(tmp_path):
    bad = tmp_path / "x.md"
    bad.write_text("see [this](missing.md) and [that](https://example.org)\n", encoding="utf-8")
    assert _LINK.findall(bad.read_text()) == ["missing.md", "https://example.org"]
    assert slug("`jmgeo ingest`") == "jmgeo-ingest" and slug("How fast, measured") == "how-fast-measured"


# (6) ------------------------------------------------------------------------------------------


def schema_sections() -> dict[str, str]:
    """``{file pattern: section text}`` for each ``## ... (`pattern`)`` section of geodata/SCHEMA.md."""
    text = SCHEMA.read_text(encoding="utf-8")
    parts = re.split(r"^## ", text, flags=re.M)[1:]
    out = {}
    for part in parts:
        heading = part.split("\n", 1)[0]
        for pattern in re.findall(r"`([^`]+\.json)`", heading):
            out[re.sub(r"<[^>]+>", "*", pattern)] = part
    return out


def geodata_files() -> list[Path]:
    root = ROOT / "geodata"
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".md" and not p.name.startswith("."))


def json_keys(value) -> set[str]:
    """Every object key anywhere in a JSON value."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in json_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in json_keys(v)}
    return set()


def section_for(path: Path, sections: dict[str, str]) -> str | None:
    name = path.relative_to(ROOT / "geodata").as_posix()
    found = [text for pattern, text in sections.items() if fnmatch.fnmatchcase(name, pattern)]
    return found[0] if len(found) == 1 else None


@pytest.mark.parametrize("path", geodata_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_geodata_file_and_key_is_in_the_schema(path):
    sections = schema_sections()
    section = section_for(path, sections)
    assert section is not None, (
        f"geodata/SCHEMA.md has no section for {path.relative_to(ROOT)} (sections: {sorted(sections)})"
    )
    in_code = {word for span in _INLINE.findall(_FENCE.sub("", section)) for word in re.findall(r"\w+", span)}
    keys = json_keys(json.loads(path.read_text(encoding="utf-8")))
    undocumented = sorted(keys - in_code)
    assert not undocumented, f"geodata/SCHEMA.md does not describe {undocumented} of {path.relative_to(ROOT)}"


def test_the_schema_check_sees_every_kind_of_file():
    kinds = {
        p.relative_to(ROOT / "geodata").parts[0] if len(p.relative_to(ROOT / "geodata").parts) > 1 else p.name
        for p in geodata_files()
    }
    assert {"places", "facts", "layers.json", "pages.json", "basemaps.json", "story.json", "unplaced.json"} <= kinds
    assert section_for(ROOT / "geodata" / "places" / "new_layer.json", schema_sections()) is not None
    assert section_for(ROOT / "geodata" / "routes.json", schema_sections()) is None  # a new kind of file fails
