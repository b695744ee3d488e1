"""Shared helpers for the real-browser tests (Debian chromium driven by Playwright)."""

from __future__ import annotations

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# The started page's public face (jmgeoAtlas.page, see makePage in static/atlas/18-page.js):
# Leaflet's map, the start-up stages, feature(id) and layers() (Leaflet layers), the actions.
PAGE = "window.jmgeoAtlas.page"
READY = "window.jmgeoAtlas && window.jmgeoAtlas.page && window.jmgeoAtlas.page.ready"


def launch_browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


# A 1x1 transparent PNG: what a tile server answers in tests that need tiles to load (``tiles=True``).
BLANK_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000b49444154789c6360000200000500017a5eab3f0000000049454e44ae426082"
)


def open_offline(
    browser, path, fragment: str = "", init_script: str | None = None, viewport=(1280, 800), tiles: bool = False
):
    """Open a local page with all network requests refused; return the page and what it tried to fetch.

    ``init_script`` runs in the page before any of its own scripts; ``viewport`` is (width, height) in px.
    With ``tiles``, requests are still recorded but answered with a blank image, as a tile server would:
    for tests of a tile basemap's datum (refused tiles make the page fall back to the offline view).
    """
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    if init_script:
        page.add_init_script(init_script)
    attempts: list[str] = []
    errors: list[str] = []
    dialogs: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(("file:", "data:")):
            r.continue_()
        else:
            attempts.append(url)
            if tiles:
                r.fulfill(status=200, content_type="image/png", body=BLANK_PNG)
            else:
                r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri() + fragment)
    page.wait_for_function(READY, timeout=20000)
    wait_for_text_twin(page)
    return page, attempts, errors, dialogs


def wait_for_text_twin(page):
    """The text twin is built just after the map's first frame (and again after a language switch)."""
    page.wait_for_function(f"{PAGE}.twinReady === true", timeout=20000)


# A JS function: is this Leaflet feature layer on screen? An SVG element with a path in the
# page, or, on a canvas, a layer of that canvas with paint (alpha > 0) around its first vertex.
# A JS function: {feature id: Leaflet layer} of every feature drawn as its own layer (not the
# points of a point cloud), from the page's layers.
FEATURES_JS = """function () {
    var out = {}, layers = window.jmgeoAtlas.page.layers();
    Object.keys(layers).forEach(function (k) {
        if (layers[k].getLayers) layers[k].getLayers().forEach(function (l) { out[l.feature.properties.id] = l; });
    });
    return out;
}"""

ON_SCREEN_JS = """function (l) {
    if (l._path) return document.body.contains(l._path) && (l._path.getAttribute('d') || '').length > 4;
    var r = l._renderer;
    if (!(r instanceof L.Canvas) || !l._map || !l._order || !l._parts || !l._parts.length) return false;
    var p = l._parts[0][0], k = window.devicePixelRatio || 1;
    var x = Math.round((p.x - r._bounds.min.x) * k), y = Math.round((p.y - r._bounds.min.y) * k);
    var px = r._ctx.getImageData(x - 1, y - 1, 3, 3).data;
    for (var i = 3; i < px.length; i += 4) if (px[i] > 0) return true;
    return false;
}"""


def close_popup(page):
    """Close the map's popup and wait until it has faded out of the page (Leaflet takes 200 ms)."""
    page.evaluate(f"() => {{ {PAGE}.map.closePopup(); }}")  # nothing back: the map is too deep to send
    page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 0")
