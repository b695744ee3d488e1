"""The escaping path: page_json for data, page_text for labels folium inserts as HTML."""

import json

import pytest
from jinja2 import Template

from jmgeo.safe import page_json, page_text
from payloads import ALL, PAYLOADS


@pytest.mark.parametrize("payload", ALL)
def test_page_json_round_trips_and_cannot_break_out(payload):
    data = {"name": payload, "nested": [{"quote": payload * 2}], "n": 1.5}
    text = page_json(data)
    assert json.loads(text) == data
    for forbidden in ("<", ">", "&", "`", "${", "{{", "{%", "{#", "'"):
        assert forbidden not in text
    # branca compiles rendered output as a Jinja2 template again; the data must survive that unchanged
    assert Template(text).render() == text


def test_page_json_refuses_nan():
    with pytest.raises(ValueError):
        page_json({"x": float("nan")})


@pytest.mark.parametrize("payload", ALL)
def test_page_text_is_inert_html_and_template(payload):
    text = page_text(payload)
    for forbidden in ("<", ">", "`", "$", "\\", "{", "}", '"', "'"):
        assert forbidden not in text
    assert Template(text).render() == text
    import html

    assert html.unescape(text) == payload
