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


def launch_browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_offline(browser, path, fragment: str = "", init_script: str | None = None, viewport=(1280, 800)):
    """Open a local page with all network requests refused; return the page and what it tried to fetch.

    ``init_script`` runs in the page before any of its own scripts; ``viewport`` is (width, height) in px.
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
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri() + fragment)
    page.wait_for_function("window.jmgeoAtlasState && window.jmgeoAtlasState.ready", timeout=20000)
    wait_for_text_twin(page)
    return page, attempts, errors, dialogs


def wait_for_text_twin(page):
    """The text twin is built just after the map's first frame (and again after a language switch)."""
    page.wait_for_function("window.jmgeoAtlasState.twinReady === true", timeout=20000)
