"""One geodata folder, read once: the registry, the records, the documents and the page specs.

:func:`read_geodata` returns a :class:`GeoData`; checking, layers, facts, pages and
exports all take that object, and nothing below it reads ``geodata/`` again. Each file
is read strictly (:func:`jmgeo._jsonfile.read_json`) the first time it is asked for,
so a broken ``pages.json`` is reported by the check beside the problems in the places,
instead of hiding them. Records keep where they came from (``_file``, ``_line``) for
error messages.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Any

from ._documents import Document, find_documents_dir, load_document
from ._errors import DataError
from ._jsonfile import id_lines, read_json
from ._registry import Registry, find_geodata_dir, parse_registry

__all__ = ["GeoData", "read_geodata"]


def _with_lines(path: Path, items: list, what: str) -> list[dict]:
    """Copy each record of a file, adding ``_file`` and ``_line`` (the line of its ``"id"``; a repeated id: its own)."""
    seen: dict[str, int] = {}
    lines = id_lines(path)
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise DataError(str(path), f"{what}s[{i}]", f"a {what} must be a JSON object")
        rec = dict(item)
        rec["_file"] = str(path)
        rec["_line"] = None
        if item.get("id"):
            nth = seen[str(item["id"])] = seen.get(str(item["id"]), -1) + 1
            found = lines.get(str(item["id"]), [])
            rec["_line"] = found[min(nth, len(found) - 1)] if found else None
        out.append(rec)
    return out


class GeoData:
    """The contents of one geodata folder; each file is read on first use and kept.

    Parameters
    ----------
    root : Path
        The geodata folder (it holds ``layers.json``).
    docs_dir : path, optional
        Where the source documents are (see :func:`jmgeo._documents.find_documents_dir`).

    Examples
    --------
    >>> import jmgeo
    >>> data = jmgeo.read_geodata()
    >>> [spec.id for spec in data.registry.layers if spec.role == "places"][:2]
    ['industrial_parks', 'logistics_hubs']
    >>> len(data.fact_records) > 200
    True
    """

    def __init__(self, root: Path, docs_dir: str | os.PathLike[str] | None = None):
        self.root = Path(root)
        self.docs_dir = docs_dir
        self.registry: Registry = parse_registry(self.root)

    def path(self, name: str) -> Path:
        """The path of a file in the folder, e.g. ``data.path("pages.json")``."""
        return self.root / name

    @cached_property
    def districts_spec(self) -> dict[str, Any]:
        """``districts.json``: the city, its districts (names, adcodes) and the boundary source."""
        return self.json("districts.json")

    @cached_property
    def towns_spec(self) -> dict[str, Any]:
        """``towns.json``: GeoNames' towns and subdistricts in the city, and the source's credit."""
        return self.json("towns.json")

    @cached_property
    def documents(self) -> list[dict[str, Any]]:
        """``documents.json``: the source documents' file names, titles and dates."""
        return self.json("documents.json")["documents"]

    @cached_property
    def topics_spec(self) -> dict[str, Any] | None:
        """``topics.json``: the topics the city's facts are grouped by, and the measures of its series (or None)."""
        return self.optional_json("topics.json")

    @cached_property
    def place_records(self) -> dict[str, list[dict]]:
        """``{layer_id: [record, ...]}`` for every places layer, with ``_file``, ``_line`` and ``_layer`` added."""
        out: dict[str, list[dict]] = {}
        for spec in self.registry.layers:
            if not spec.file:
                continue
            path = self.path(spec.file)
            data = read_json(path)
            if not isinstance(data, dict) or not isinstance(data.get("records"), list):
                raise DataError(str(path), None, 'expected {"layer": "...", "records": [...]}')
            if data.get("layer") != spec.id:
                raise DataError(
                    str(path), "layer", f'says layer "{data.get("layer")}" but layers.json maps it to "{spec.id}"'
                )
            records = _with_lines(path, data["records"], "record")
            for rec in records:
                rec["_layer"] = spec.id
            out[spec.id] = records
        return out

    @cached_property
    def fact_files(self) -> list[Path]:
        """The fact files in ``facts/``, sorted by name."""
        return sorted(self.path("facts").glob("*.json"))

    @cached_property
    def fact_records(self) -> list[dict]:
        """Every fact record, with its document's ``doc``, ``_file`` and ``_line`` added."""
        records = []
        for path in self.fact_files:
            data = read_json(path)
            if not isinstance(data, dict) or "doc" not in data or not isinstance(data.get("facts"), list):
                raise DataError(str(path), None, 'expected {"doc": "<file name>", "facts": [...]}')
            for rec in _with_lines(path, data["facts"], "fact"):
                rec["doc"] = data["doc"]
                records.append(rec)
        return records

    def json(self, name: str) -> Any:
        """A JSON file of the folder by relative name, read strictly once and kept."""
        cache = self.__dict__.setdefault("_json", {})
        if name not in cache:
            cache[name] = read_json(self.path(name))
        return cache[name]

    def optional_json(self, name: str) -> Any | None:
        """Like :meth:`json`, but None for a file that does not exist."""
        return self.json(name) if self.path(name).exists() else None

    @cached_property
    def source_documents(self) -> tuple[dict[str, Document] | None, list[DataError]]:
        """The documents that ``documents.json`` lists, and the problems reading them.

        The dict is None when the documents folder is not found or not every document
        could be read: quotes are then not checked at all rather than half-checked.
        """
        if find_documents_dir(self.docs_dir) is None:
            return None, []
        docs, problems = {}, []
        for name in sorted({d["file"] for d in self.documents}):
            try:
                docs[name] = load_document(name, self.docs_dir)
            except DataError as exc:
                problems.append(exc)
        return (docs if not problems else None), problems


def read_geodata(
    geodata_dir: str | os.PathLike[str] | GeoData | None = None, docs_dir: str | os.PathLike[str] | None = None
) -> GeoData:
    """Open a geodata folder: ``geodata_dir``, ``$JMGEO_GEODATA`` or the project's own ``geodata/``.

    A :class:`GeoData` passed in is returned as it is, so functions can take either.

    Raises
    ------
    DataError
        If no geodata folder is found or its ``layers.json`` is not valid.

    Examples
    --------
    >>> data = read_geodata()
    >>> data.registry.districts_layer, len(data.districts_spec["districts"])
    ('districts', 7)
    """
    if isinstance(geodata_dir, GeoData):
        return geodata_dir
    return GeoData(find_geodata_dir(geodata_dir).resolve(), docs_dir)
