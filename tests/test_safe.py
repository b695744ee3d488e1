"""The escaping path: page_json for data, page_text for labels folium inserts as HTML."""

import json

import pytest
from jinja2 import Template

from jmgeo._escape import page_json, page_text
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


def _strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield k
            yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)


def test_brace_fast_path_never_skips_a_brace_in_a_string():
    import json

    from jmgeo._escape import _BRACE_IN_STRING

    cases = [{"a": {"b": p}} for p in PAYLOADS] + [
        [1, 2, {"c": "q"}],
        {"k{": 1},
        ['a\\"}', "b"],
        ['"', {"x": "}"}],
        {"a": "no brace", "b": {"c": [1, "d", {"e": "\\"}]}},
        {"q": '\\"{'},
    ]
    for obj in cases:
        text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
        has = any("{" in s or "}" in s for s in _strings(obj))
        assert (_BRACE_IN_STRING.match(text) is not None) == has, obj
        out = page_json(obj)
        assert json.loads(out) == obj
        for s in _strings(json.loads(out)):
            if "{" in s or "}" in s:
                assert "\\u007b" in out or "\\u007d" in out
