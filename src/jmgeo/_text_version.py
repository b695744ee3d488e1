"""The text twin of a map page: the placeholder that the page script fills with tables.

The tables (every feature of the page and its facts with their sources) are built in
the browser by the page script (``static/atlas/16-twin.js``) from the page's JSON data, so the page carries each
quote once; they are plain HTML tables with row and column headers, for screen readers
and for print. Without JavaScript the placeholder says so. Every piece of text here goes
through :func:`jmgeo._escape.page_text`; interface words are written in both languages,
each in a ``lang``-tagged span, and the page's language switch shows one of them.
"""

from __future__ import annotations

from ._escape import page_text

__all__ = ["bilingual", "skip_link_html", "text_twin_html"]


def bilingual(zh: str, en: str) -> str:
    """Return interface text in both languages as two ``lang`` spans (escaped)."""
    return (
        f'<span lang="zh-Hans" class="jmgeo-zh">{page_text(zh)}</span>'
        f'<span lang="en" class="jmgeo-en">{page_text(en)}</span>'
    )


def skip_link_html() -> str:
    """Return the link, first in the page, that lets keyboard users jump to the text twin."""
    return f'<a class="jmgeo-skip" href="#jmgeo-text">{bilingual("跳至文字版", "Skip to the text version")}</a>'


_NOSCRIPT_ZH = "文字版需要浏览器运行 JavaScript；全部地点与事实也在 geojson/ 和 jiangmen.gpkg 中。"
_NOSCRIPT_EN = "The text version needs JavaScript; every place and fact is also in geojson/ and jiangmen.gpkg."


def text_twin_html(page_title: tuple[str, str]) -> str:
    """Return the ``<section>`` that the page script fills with the text twin's tables."""
    zh, en = page_title
    return (
        '<section id="jmgeo-text" class="jmgeo-text" aria-live="polite">'
        f"<h1>{bilingual(zh, en)}</h1>"
        f"<noscript><p>{bilingual(_NOSCRIPT_ZH, _NOSCRIPT_EN)}</p></noscript>"
        "</section>"
    )
