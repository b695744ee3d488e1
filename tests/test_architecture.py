"""The code's shape: the import graph read from the source, checked against docs/architecture.md."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "jmgeo"
DOC = ROOT / "docs" / "architecture.md"
MAX_PYTHON_LINES = 100


def module_name(path: Path) -> str:
    """``_ingest/_amounts.py`` -> ``_ingest``: a subpackage counts as one module of the package."""
    rel = path.relative_to(PACKAGE)
    return rel.parts[0].removesuffix(".py") if len(rel.parts) == 1 else rel.parts[0]


def source_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def imports(path: Path) -> list[tuple[str, int, bool]]:
    """``(module, line, inside_a_function)`` for every import of a jmgeo module in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel = path.relative_to(PACKAGE)
    depth = len(rel.parts) - 1  # 0 for a top-level module, 1 inside a subpackage
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inside |= {id(n) for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom))}
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.level:
            if node.level - 1 > depth:
                raise AssertionError(f"{rel}: import above the package")
            if node.level - 1 < depth:  # within the subpackage itself
                continue
            names = [node.module.split(".")[0]] if node.module else [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("jmgeo"):
            parts = node.module.split(".")
            names = [parts[1]] if len(parts) > 1 else [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name.split(".")[1] for a in node.names if a.name.startswith("jmgeo.")]
        for name in names:
            found.append((name, node.lineno, id(node) in inside))
    return found


def documented_levels() -> dict[str, int]:
    levels = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\| (\d+) \| (.+?) \|", line)
        if m:
            for name in re.findall(r"`([\w]+)`", m.group(2)):
                assert name not in levels, f"{name} is listed twice in {DOC.name}"
                levels[name] = int(m.group(1))
    return levels


def test_every_module_is_placed_in_the_architecture_doc_once():
    modules = {module_name(p) for p in source_files()} - {"__init__"}
    levels = documented_levels()
    assert set(levels) == modules, (sorted(modules - set(levels)), sorted(set(levels) - modules))


@pytest.mark.parametrize("path", source_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_a_module_imports_only_lower_levels(path):
    """No cycles and no back-edges: every import (at the top or in a function) goes down a level."""
    levels = documented_levels()
    here = module_name(path)
    if here == "__init__":
        return  # the package's lazy names (PEP 562) reach every level on purpose
    for name, line, _ in imports(path):
        if name == "__version__" or name == here:
            continue
        assert name in levels, f"{path.name}:{line} imports {name}, which is not in {DOC.name}"
        assert levels[name] < levels[here], (
            f"{path.relative_to(PACKAGE)}:{line} imports {name} (level {levels[name]}) from level {levels[here]}"
        )


@pytest.mark.parametrize("path", source_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_an_import_inside_a_function_says_why(path):
    """An import is deferred only for start-up time, and a comment says so (on the line or just above)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    tree = ast.parse("\n".join(lines))
    for fn in ast.walk(tree):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(fn):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                # a block of imports shares one comment: look back over the block and one line more
                start = node.lineno - 1
                while start > 0 and re.match(r"\s*(from \S+ )?import ", lines[start - 1]):
                    start -= 1
                context = " ".join(lines[max(start - 2, 0) : node.end_lineno])
                assert "deferred" in context, f"{path.name}:{node.lineno}: {lines[node.lineno - 1].strip()}"


@pytest.mark.parametrize("path", source_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_python_function_is_longer_than_100_lines(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            assert length <= MAX_PYTHON_LINES, f"{path.name}: {node.name} is {length} lines"


def test_the_graph_reader_sees_a_back_edge(tmp_path, monkeypatch):
    """The checks above can fail: a level-0 module importing a level-6 one is caught."""
    fake = PACKAGE / "_errors.py"
    monkeypatch.setattr(
        Path,
        "read_text",
        lambda self, encoding=None: "from ._loading import load_layers\n" if self == fake else _read(self),
    )
    with pytest.raises(AssertionError, match="imports _loading"):
        test_a_module_imports_only_lower_levels(fake)


_read = Path.read_text
