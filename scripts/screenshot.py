"""Screenshot a built map page for the README: maps/jiangmen.html -> docs/jiangmen.png.

Uses Debian's chromium through Playwright with every network request refused, so the
picture shows what a user sees offline. Run after ``jmgeo build``:

    .venv/bin/python scripts/screenshot.py [PAGE] [PNG]
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from jmgeo.export import atomic_write


def _check_png(tmp: Path) -> None:
    if not tmp.read_bytes().startswith(b"\x89PNG\r\n\x1a\n"):
        raise OSError(f"{tmp}: the screenshot is not a PNG")


def main() -> int:
    page_path = Path(sys.argv[1] if len(sys.argv) > 1 else "maps/jiangmen.html").resolve()
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "docs/jiangmen.png")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
        page.goto(page_path.as_uri())
        page.wait_for_function("window.jmgeoAtlasState && window.jmgeoAtlasState.ready")
        page.wait_for_timeout(500)
        png = page.screenshot()  # to memory, then temp file + verify + rename: never a half-written PNG
        atomic_write(out, png, verify=_check_png)
        browser.close()
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
