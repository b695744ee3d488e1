"""The text twin of a map page: every feature and its facts as accessible, printable tables.

The twin is plain HTML after the map (it works without JavaScript, for screen readers
and in print). Every piece of text goes through :func:`jmgeo.safe.page_text`. Interface
words are written in both languages, each in a ``lang``-tagged span; the page's
language switch shows one of them.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from .safe import page_text

__all__ = ["bilingual", "text_twin_html"]


def bilingual(zh: str, en: str) -> str:
    """Return interface text in both languages as two ``lang`` spans (escaped)."""
    return f'<span lang="zh-Hans" class="jmgeo-zh">{page_text(zh)}</span><span lang="en" class="jmgeo-en">{page_text(en)}</span>'


def _fact_items(fact_ids: list[str], facts: dict[str, dict]) -> str:
    if not fact_ids:
        return ""
    items = []
    for fid in fact_ids:
        f = facts.get(fid)
        if f is None:
            continue
        parts = [f'<q lang="zh-Hans">{page_text(f["quote"])}</q>']
        if isinstance(f["claim_en"], str):
            parts.append(f'<span lang="en">{page_text(f["claim_en"])}</span>')
        figures = []
        if pd.notna(f["value"]):
            figures.append(page_text(f"{f['value']:g} {f['unit'] or ''}".strip()))
        if pd.notna(f["year"]):
            figures.append(page_text(str(int(f["year"]))))
        if figures:
            parts.append("(" + ", ".join(figures) + ")")
        parts.append(f'<cite>{page_text(f["doc"])}</cite>')
        items.append(f'<li data-fact-id="{page_text(fid)}">' + " ".join(parts) + "</li>")
    return "<ul>" + "".join(items) + "</ul>"


def text_twin_html(
    layers: dict[str, gpd.GeoDataFrame],
    facts: pd.DataFrame,
    layer_titles: dict[str, tuple[str, str]],
    page_title: tuple[str, str],
) -> str:
    """Return the ``<section>`` listing every feature of ``layers`` and its facts with sources.

    Parameters
    ----------
    layers : dict of GeoDataFrame
        The page's layers, in display order.
    facts : DataFrame
        The fact table (:func:`jmgeo.load_facts`).
    layer_titles : dict
        ``{layer_id: (title_zh, title_en)}``.
    page_title : tuple
        ``(title_zh, title_en)`` of the page.
    """
    facts = {rec["id"]: rec for rec in facts.to_dict(orient="records")}
    out = [
        '<section id="jmgeo-text" class="jmgeo-text" aria-labelledby="jmgeo-text-title">',
        f'<h1 id="jmgeo-text-title">{bilingual(*page_title)} — {bilingual("文字版：全部地点与事实", "text version: every place and fact")}</h1>',
    ]
    head = "".join(
        f'<th scope="col">{bilingual(zh, en)}</th>'
        for zh, en in (
            ("名称", "Name"),
            ("类型", "Kind"),
            ("区县", "District"),
            ("位置精度", "Precision"),
            ("位置来源", "Position source"),
            ("文中事实（出处）", "Facts (source)"),
        )
    )
    district_names = {}
    if "districts" in layers:
        district_names = {r.id: f"{r.name_zh} {r.name_en}" for r in layers["districts"].itertuples()}
    for layer_id, frame in layers.items():
        zh, en = layer_titles[layer_id]
        out.append(f'<table data-layer-id="{page_text(layer_id)}"><caption>{bilingual(zh, en)} ({len(frame)})</caption>')
        out.append(f"<thead><tr>{head}</tr></thead><tbody>")
        for row in frame.itertuples():
            district = getattr(row, "district", None)
            district_text = district_names.get(district, district) if isinstance(district, str) else ""
            precision = row.precision
            unc = getattr(row, "uncertainty_m", None)
            if isinstance(unc, float) and pd.notna(unc):
                precision = f"{precision} (± {unc:,.0f} m)"
            source = row.position_source if isinstance(row.position_source, str) else ""
            out.append(
                f'<tr data-feature-id="{page_text(row.id)}">'
                f'<th scope="row"><span lang="zh-Hans">{page_text(row.name_zh)}</span> <span lang="en">{page_text(row.name_en)}</span></th>'
                f"<td>{page_text(row.kind)}</td><td>{page_text(district_text)}</td><td>{page_text(precision)}</td>"
                f"<td>{page_text(source)}</td><td>{_fact_items(list(row.fact_ids or []), facts)}</td></tr>"
            )
        out.append("</tbody></table>")
    out.append("</section>")
    return "\n".join(out)
