"""The geodata/ registry: where the data files are, and strict reading of them.

Every file in ``geodata/`` is JSON. It is read strictly: duplicate keys, ``NaN`` and
``Infinity`` are errors (the standard library would silently keep the last key and
accept the non-standard constants), and every error names the file and the line.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import DataError

__all__ = [
    "LayerSpec",
    "find_geodata_dir",
    "line_of_id",
    "load_registry",
    "read_json",
]


def find_geodata_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Return the geodata folder: ``explicit``, ``$JMGEO_GEODATA``, the installed copy, or the checkout's.

    Raises
    ------
    DataError
        If no folder with a ``layers.json`` is found.
    """
    candidates: list[Path] = []
    if explicit:
        candidates.append(Path(explicit))
    if os.environ.get("JMGEO_GEODATA"):
        candidates.append(Path(os.environ["JMGEO_GEODATA"]))
    here = Path(__file__).resolve().parent
    candidates.append(here / "geodata")  # inside an installed wheel
    for parent in here.parents:
        candidates.append(parent / "geodata")
        if (parent / "pyproject.toml").exists():
            break
    for cand in candidates:
        if (cand / "layers.json").is_file():
            return cand
    raise DataError(
        "geodata",
        None,
        "no geodata folder with layers.json found; pass --geodata DIR or set JMGEO_GEODATA",
    )


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON; write a number or null")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f'duplicate key "{key}"; keep one')
        out[key] = value
    return out


def read_json(path: str | os.PathLike[str]) -> Any:
    """Read a JSON file strictly, raising :class:`DataError` with file and line on any problem."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(str(path), None, f"cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(str(path), f"byte {exc.start}", "not UTF-8; save the file as UTF-8") from None
    try:
        return json.loads(
            text, object_pairs_hook=_no_duplicate_keys, parse_constant=_reject_constant
        )
    except json.JSONDecodeError as exc:
        raise DataError(str(path), f"line {exc.lineno} column {exc.colno}", f"invalid JSON: {exc.msg}") from None
    except ValueError as exc:
        # Raised by the hooks above; find the line of the offending key or constant.
        line = _line_of_problem(text, str(exc))
        raise DataError(str(path), f"line {line}" if line else None, str(exc)) from None


def _line_of_problem(text: str, message: str) -> int | None:
    match = re.search(r'duplicate key "(.*)"', message)
    if match:
        needle = json.dumps(match.group(1), ensure_ascii=False)
        hits = [m.start() for m in re.finditer(re.escape(needle) + r"\s*:", text)]
        if len(hits) > 1:
            return text.count("\n", 0, hits[1]) + 1
    for token in ("NaN", "Infinity", "-Infinity"):
        if message.startswith(token):
            m = re.search(r"(?<![\w\"])" + re.escape(token) + r"(?![\w\"])", text)
            if m:
                return text.count("\n", 0, m.start()) + 1
    return None


def line_of_id(path: str | os.PathLike[str], record_id: str) -> int | None:
    """Return the 1-based line where ``"id": "<record_id>"`` appears in a JSON file, if any."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    m = re.search(r'"id"\s*:\s*' + re.escape(json.dumps(record_id, ensure_ascii=False)), text)
    return text.count("\n", 0, m.start()) + 1 if m else None


@dataclass(frozen=True)
class LayerSpec:
    """One layer of the registry (``geodata/layers.json``)."""

    id: str
    title_zh: str
    title_en: str
    description_zh: str
    description_en: str
    geometry_types: tuple[str, ...]
    color: str
    expected_count: int | None = None
    file: str | None = None
    source: str | None = None
    shown: bool = True


@dataclass(frozen=True)
class Registry:
    """The parsed registry: layer specs in display order and the precision styles."""

    root: Path
    layers: tuple[LayerSpec, ...]
    precision_styles: dict[str, dict[str, Any]]

    def layer(self, layer_id: str) -> LayerSpec:
        for spec in self.layers:
            if spec.id == layer_id:
                return spec
        raise KeyError(layer_id)


_LAYER_KEYS = {
    "id",
    "title_zh",
    "title_en",
    "description_zh",
    "description_en",
    "geometry_types",
    "color",
    "expected_count",
    "file",
    "source",
    "shown",
}


def load_registry(geodata_dir: str | os.PathLike[str] | None = None) -> Registry:
    """Read ``layers.json`` from the geodata folder."""
    root = find_geodata_dir(geodata_dir)
    return _load_registry(root.resolve())


@lru_cache(maxsize=8)
def _load_registry(root: Path) -> Registry:
    path = root / "layers.json"
    data = read_json(path)
    specs = []
    for i, item in enumerate(data.get("layers", [])):
        where = f"layers[{i}] ({item.get('id', '?')})"
        unknown = set(item) - _LAYER_KEYS
        if unknown:
            raise DataError(str(path), where, f"unknown key(s) {sorted(unknown)}")
        try:
            specs.append(
                LayerSpec(
                    **{**item, "geometry_types": tuple(item["geometry_types"])}
                )
            )
        except (KeyError, TypeError) as exc:
            raise DataError(str(path), where, f"missing or wrong key: {exc}") from None
    if not specs:
        raise DataError(str(path), None, "no layers defined")
    styles = data.get("precision_styles") or {}
    for name in ("surveyed", "approximate", "schematic"):
        if name not in styles:
            raise DataError(str(path), "precision_styles", f'missing style for "{name}"')
    return Registry(root=root, layers=tuple(specs), precision_styles=styles)
