"""Page specs: which maps jmgeo builds, their basemaps and the story, read from geodata/.

``geodata/pages.json`` lists the pages (the main atlas, the theme maps, the districts
choropleth, the story), each with the layers it shows; ``geodata/basemaps.json`` the
base maps and the datum each is drawn in; ``geodata/story.json`` the story chapters.
"""

from __future__ import annotations

import html
import os
import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ._crs import BASEMAP_DATUMS
from ._errors import DataError
from ._geodata import GeoData
from ._ids import id_problem

__all__ = ["PageSpec", "parse_basemaps", "parse_pages", "parse_story", "resolve_basemaps"]

_PAGE_FILE = re.compile(r"^[a-z][a-z0-9_-]*\.html$")


@dataclass(frozen=True)
class PageSpec:
    """One map page: its id, output file name, titles, layers, and optional choropleth or story."""

    id: str
    file: str
    title_zh: str
    title_en: str
    layers: tuple[str, ...]
    choropleth: dict[str, Any] | None = None
    story: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def parse_pages(data: GeoData) -> list[PageSpec]:
    """Read ``geodata/pages.json``; raise :class:`DataError` naming the page for a bad spec.

    A geodata folder without ``pages.json`` gets a single page, ``jiangmen.html``, with
    every layer of the registry.
    """
    reg = data.registry
    path = data.path("pages.json")
    found = data.optional_json("pages.json")
    if found is None:
        # A geodata folder without page specs gets one map of every layer.
        return [
            PageSpec(
                id="jiangmen",
                file="jiangmen.html",
                title_zh="地图",
                title_en="Map",
                layers=tuple(s.id for s in reg.layers),
            )
        ]
    layer_ids = {spec.id for spec in reg.layers}
    pages = []
    seen: set[str] = set()
    for i, item in enumerate(found.get("pages", [])):
        where = f"pages[{i}] ({item.get('id', '?')})"
        try:
            page = PageSpec(
                id=item["id"],
                file=item["file"],
                title_zh=item["title_zh"],
                title_en=item["title_en"],
                layers=tuple(item["layers"]),
                choropleth=item.get("choropleth"),
                story=item.get("story"),
            )
        except (KeyError, TypeError) as exc:
            raise DataError(str(path), where, f"missing key {exc}") from None
        bad_id = id_problem(page.id, "page id")
        if bad_id:
            raise DataError(str(path), where, bad_id)
        if not _PAGE_FILE.match(page.file):
            raise DataError(str(path), where, f'file "{page.file}" must be a plain lower-case name ending in .html')
        if page.id in seen:
            raise DataError(str(path), where, f'duplicate page id "{page.id}"')
        seen.add(page.id)
        unknown = [layer for layer in page.layers if layer not in layer_ids]
        if unknown:
            raise DataError(str(path), where, f"unknown layer(s) {unknown}; layers are {sorted(layer_ids)}")
        if page.choropleth and page.choropleth.get("layer") not in page.layers:
            raise DataError(str(path), where, "the choropleth layer must be one of the page's layers")
        pages.append(page)
    if not pages:
        raise DataError(str(path), None, "no pages defined")
    return pages


def parse_basemaps(data: GeoData) -> dict[str, Any]:
    """Read ``geodata/basemaps.json`` (the base maps and the datum of each).

    Without that file a page has no base map: vector layers only.
    """
    path = data.path("basemaps.json")
    found = data.optional_json("basemaps.json")
    if found is None:
        # Without basemap specs the page has none: vector layers only, no network at all.
        return {
            "basemaps": [{"id": "none", "title_zh": "无底图", "title_en": "No basemap", "datum": "WGS84"}],
            "default": "none",
        }
    ids = [b.get("id") for b in found.get("basemaps", [])]
    if len(ids) != len(set(ids)) or found.get("default") not in ids:
        raise DataError(str(path), "default", "basemap ids must be unique and the default one of them")
    for i, b in enumerate(found["basemaps"]):
        land = b.get("land_color")
        if land is not None and not (isinstance(land, str) and re.fullmatch(r"#[0-9a-f]{6}", land)):
            raise DataError(str(path), f"basemaps[{i}] ({b.get('id')}).land_color", "a colour as #rrggbb (lower case)")
        if b.get("datum") not in BASEMAP_DATUMS:
            raise DataError(
                str(path),
                f"basemaps[{i}] ({b.get('id')})",
                f"datum must be {', '.join(BASEMAP_DATUMS[:-1])} or {BASEMAP_DATUMS[-1]}",
            )
    return found


def resolve_basemaps(data: GeoData) -> dict[str, Any]:
    """Return the basemaps for a page: tile URL templates resolved from xyzservices where named.

    A base map that needs a key (``key_env``, Tianditu) is offered only when that
    environment variable is set at build time, and the key itself is never written into
    the page: the page takes it at view time from its address (``#tk=KEY``) and keeps it
    in the browser's localStorage.
    """
    bases = parse_basemaps(data)
    out = []
    for b in bases["basemaps"]:
        if b.get("key_env") and not os.environ.get(b["key_env"]):
            continue  # offered only where the user has a key
        entry = {k: v for k, v in b.items() if k not in ("xyzservices", "key_env")}
        if b.get("xyzservices"):
            entry.update(_tile_provider(b["xyzservices"]))
        if b.get("key_env"):
            entry["needs_key"] = True
        out.append(entry)
    return {"basemaps": out, "default": bases["default"]}


@lru_cache(maxsize=32)
def _tile_provider(name: str) -> dict[str, Any]:
    """URL template, subdomains, zoom limit and plain-text attribution of an xyzservices provider.

    Cached: a build resolves the same providers for every page, and the registry lookup
    is the slow part.
    """
    import xyzservices.providers as xyz  # deferred: ~100 ms to import, needed only for named providers

    with warnings.catch_warnings():
        # CARTO's provider warns that it now wants an API key; the note in basemaps.json says so.
        warnings.simplefilter("ignore", UserWarning)
        provider = xyz.query_name(name)
        return {
            "url": provider.build_url(fill_subdomain=False),
            "subdomains": provider.get("subdomains", "abc"),
            "max_zoom": provider.get("max_zoom", 18),
            "attribution": _plain_text(provider.get("attribution", "")),
        }


def _plain_text(markup: str) -> str:
    """Attribution as plain text (providers give HTML; the page shows it as text)."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def parse_story(data: GeoData, name: str) -> dict[str, Any]:
    """Return a story file of the folder (``story.json``): titles and chapters, checked."""
    path = data.path(name)
    story = data.json(name)
    chapters = story.get("chapters")
    if not isinstance(chapters, list) or not chapters:
        raise DataError(str(path), "chapters", "a story needs at least one chapter")
    for i, ch in enumerate(chapters):
        for key in ("id", "title_zh", "title_en", "text_zh", "text_en", "layers", "focus", "facts"):
            if key not in ch:
                raise DataError(str(path), f"chapters[{i}] ({ch.get('id', '?')})", f'missing key "{key}"')
    return story
