"""Screenshot the built map pages for the README: maps/<page>.html -> docs/<page>.png.

Uses Debian's chromium through Playwright with every network request refused, so the
pictures show what a user sees offline. Run after ``jmgeo build``:

    .venv/bin/python scripts/screenshot.py [MAPS_DIR] [DOCS_DIR]

One picture per page of geodata/pages.json; the main atlas also gets one with a popup
open (docs/jiangmen-popup.png), one in English (docs/jiangmen-en.png) and one on a phone
(docs/jiangmen-phone.png, 390 x 844 px); and the first printed page of the atlas and of the
story (docs/jiangmen-print.png, docs/story-print.png): chromium prints the page to a PDF
and poppler's pdftoppm turns its first page into a PNG.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from jmgeo._files import atomic_write
from jmgeo._geodata import read_geodata
from jmgeo._pages import parse_pages


def _check_png(tmp: Path) -> None:
    if not tmp.read_bytes().startswith(b"\x89PNG\r\n\x1a\n"):
        raise OSError(f"{tmp}: the screenshot is not a PNG")


def _open(browser, page_path: Path, fragment: str, viewport: tuple[int, int]):
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
    page.goto(page_path.resolve().as_uri() + fragment)
    page.wait_for_function("window.jmgeoAtlas && window.jmgeoAtlas.page && window.jmgeoAtlas.page.ready")
    return page


def _shoot(
    browser, page_path: Path, out: Path, fragment: str = "", script: str | None = None, viewport=(1280, 800)
) -> None:
    page = _open(browser, page_path, fragment, viewport)
    if script:
        page.evaluate(script)
    page.wait_for_timeout(800)
    png = page.screenshot()  # to memory, then temp file + verify + rename: never a half-written PNG
    atomic_write(out, png, verify=_check_png)
    page.close()
    print(out)


def _print_first_page(browser, page_path: Path, out: Path, fragment: str = "") -> None:
    """The page printed to an A4 PDF by chromium, its first page as a PNG (poppler's pdftoppm, 70 dpi)."""
    page = _open(browser, page_path, fragment, (1280, 800))
    page.wait_for_timeout(800)
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "page.pdf"
        page.pdf(path=str(pdf), format="A4")
        args = ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(Path(tmp) / "p")]
        subprocess.run(args, check=True)
        atomic_write(out, (Path(tmp) / "p.png").read_bytes(), verify=_check_png)
    page.close()
    print(out)


def main() -> int:
    maps = Path(sys.argv[1] if len(sys.argv) > 1 else "maps")
    docs = Path(sys.argv[2] if len(sys.argv) > 2 else "docs")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        for spec in parse_pages(read_geodata()):
            stem = spec.file.removesuffix(".html")
            _shoot(browser, maps / spec.file, docs / f"{stem}.png", "#basemap=none")
        _shoot(
            browser,
            maps / "jiangmen.html",
            docs / "jiangmen-popup.png",
            "#basemap=none",
            "window.jmgeoAtlas.page.focusFeature('zhuxi_logistics_centre')",
        )
        _shoot(browser, maps / "jiangmen.html", docs / "jiangmen-en.png", "#basemap=none&lang=en")
        _shoot(browser, maps / "jiangmen.html", docs / "jiangmen-phone.png", "#basemap=none", viewport=(390, 844))
        _print_first_page(browser, maps / "jiangmen.html", docs / "jiangmen-print.png", "#basemap=none")
        _print_first_page(browser, maps / "story.html", docs / "story-print.png", "#basemap=none&chapter=2")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
