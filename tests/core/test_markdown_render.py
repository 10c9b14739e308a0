"""A model's Markdown renders as expected, and nothing in it turns into live HTML or a fetch."""

from __future__ import annotations

import random
import re
import time
from html.parser import HTMLParser

import markdown
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from journal.core.markdown_render import (
    _FenceSearch,
    clean_text,
    link_is_safe,
    render_document,
    render_markdown,
    render_markdown_within,
)

# Every tag and attribute the renderer may produce; anything else came from the model's text.
ALLOWED_TAGS = {
    "p", "a", "span", "code", "pre", "em", "strong", "i", "b", "br", "hr", "blockquote",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"href", "title", "class", "id", "style", "start"}
TABLE_ALIGN = re.compile(r"text-align: (left|right|center);")


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def links(fragment: str) -> list[str | None]:
    collector = _TagCollector()
    collector.feed(fragment)
    return [dict(attributes).get("href") for tag, attributes in collector.tags if tag == "a"]


def assert_inert(fragment: str) -> None:
    """Only the renderer's own tags, no event handlers, links only to http(s) and mailto."""
    assert not re.search(r"<\s*(script|img|iframe|style|link|object|embed)", fragment, re.I)
    collector = _TagCollector()
    collector.feed(fragment)
    collector.close()
    for tag, attributes in collector.tags:
        assert tag in ALLOWED_TAGS, (tag, fragment)
        for name, value in attributes:
            assert name in ALLOWED_ATTRIBUTES, (tag, name, fragment)
            if name == "href":
                assert value is not None and link_is_safe(value), fragment
            if name == "style":
                assert value is not None and TABLE_ALIGN.fullmatch(value), fragment


def test_fenced_code_renders_as_an_escaped_code_block() -> None:
    text = "Try this:\n\n```python\nif a < b and c > d:\n    print('<b>')\n```\n"
    html = render_markdown(text)
    assert '<pre><code class="language-python">' in html
    assert "if a &lt; b and c &gt; d:" in html
    assert "print('&lt;b&gt;')" in html
    assert_inert(html)


def test_tables_and_lists_render() -> None:
    text = "| Model | Score |\n|:------|------:|\n| llama | 0.9 |\n\n1. one\n2. two\n\n- a\n- b\n"
    html = render_markdown(text)
    assert "<table>" in html and "<th" in html and "<td" in html
    assert ">llama</td>" in html
    assert "<ol>" in html and "<ul>" in html
    assert_inert(html)


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ('<img src="http://x/y.png">', '&lt;img src="http://x/y.png"&gt;'),
        ("<div onclick='x()'>\nblock\n</div>", "&lt;div onclick='x()'&gt;"),
        ("a <b>bold</b> word", "a &lt;b&gt;bold&lt;/b&gt; word"),
        ("<!-- a comment -->", "&lt;!-- a comment --&gt;"),
        ('<iframe src="http://x"></iframe>', "&lt;iframe"),
        ("\\<script>", "&lt;script&gt;"),
    ],
)
def test_raw_html_shows_as_text(raw: str, escaped: str) -> None:
    html = render_markdown(raw)
    assert escaped in html
    assert_inert(html)


def test_html_in_code_spans_and_table_cells_stays_text() -> None:
    html = render_markdown("`<img src=x>`\n\n| a |\n|---|\n| <script>x</script> |\n")
    assert "<code>&lt;img src=x&gt;</code>" in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    assert_inert(html)


def test_images_become_links_that_load_nothing() -> None:
    text = (
        '![a chart](http://example.com/chart.png "Chart")\n\n'
        "![logo][ref] and ![ref]\n\n"
        "[ref]: https://example.com/logo.png\n\n"
        "![secret](file:///etc/passwd) ![inline](data:image/png;base64,AAAA)"
    )
    html = render_markdown(text)
    assert "<img" not in html
    assert '<a href="http://example.com/chart.png" title="Chart">[image: a chart]</a>' in html
    assert '<a href="https://example.com/logo.png"' in html
    assert "[image: logo]" in html and "[image: ref]" in html
    assert "<span>[image: secret]</span>" in html
    assert "<span>[image: inline]</span>" in html
    assert_inert(html)


def test_links_keep_only_web_and_mail_targets() -> None:
    text = (
        "[site](https://example.com) <http://auto.example> <me@example.com> "
        "[mail](mailto:a@b.c) [js](javascript:alert(1)) [js2](JaVa&#115;cript:alert(1)) "
        "[file](file:///etc/passwd) [rel](notes.md) [data](data:text/html,hi)"
    )
    html = render_markdown(text)
    assert '<a href="https://example.com">site</a>' in html
    assert '<a href="http://auto.example">http://auto.example</a>' in html
    assert '<a href="mailto:a@b.c">mail</a>' in html
    assert "mailto:me@example.com" in links(html)  # written as entities, still a mail link
    for label in ("js", "js2", "file", "rel", "data"):
        assert f"<span>{label}</span>" in html
    assert "javascript" not in html.lower()
    assert_inert(html)


def test_attribute_values_cannot_break_out() -> None:
    html = render_markdown('[x](http://a "t\\" onmouseover=\\"alert(1)") ```{#i"x .c"}\n```')
    assert_inert(html)


@pytest.mark.parametrize(
    "text",
    [
        "`" * 5000,
        "``` ` `` ```` ````` " * 500,
        "```\nunclosed fence <b>\n" * 200,
        "````\n```\n``\n`\n" * 500,
        "~~~\n```\n~~~~\n" * 300,
        "```python\n" * 2000,
        "".join("`" * n + "\n" for n in range(1, 200)),
    ],
)
def test_backtick_heavy_text_renders(text: str) -> None:
    html = render_markdown(text)
    assert html
    assert_inert(html)


def test_an_unclosed_fence_keeps_its_text() -> None:
    html = render_markdown("```python\nprint('<hi>')\n")
    assert "print('&lt;hi&gt;')" in html


def test_many_unclosed_fences_render_quickly() -> None:
    # A small model stuck repeating an opening fence: Python-Markdown's own search took
    # about 3 s for 40 KB of this and grows with the square of the length.
    started = time.perf_counter()
    render_markdown("```python\n" * 20_000, time_limit=None)  # 200 KB
    assert time.perf_counter() - started < 3


def test_odd_characters_survive() -> None:
    text = "a\x00b \x02wzxhzdk:0\x03 \u202eevil\u202c \u200bzero\u200b 😀 \ud83d\ude00 \ud800 end"
    html = render_markdown(text)
    assert "\x00" not in html and "\x02" not in html and "\x03" not in html
    assert "a\ufffdb" in html
    assert html.count("😀") == 2  # the split surrogate pair is joined back
    assert "\ud800" not in html and "\ufffd end" in html
    assert "\u202eevil" in html and "\u200bzero" in html
    html.encode("utf-8")  # no lone surrogates left


def test_clean_text_keeps_tabs_and_newlines() -> None:
    assert clean_text("a\tb\nc\r\nd") == "a\tb\nc\r\nd"
    assert clean_text("\x07\x1b[31m") == "\ufffd\ufffd[31m"


def test_one_megabyte_renders() -> None:
    rng = random.Random(7)
    pieces = ["`", "```", "word ", "**b** ", "\n", "\n\n", "<img src=x> ", "[a](http://x) "]
    text = "".join(rng.choice(pieces) for _ in range(250_000))[:1_000_000]
    html = render_markdown(text)
    assert_inert(html)


def test_a_slow_conversion_falls_back_to_plain_text() -> None:
    text = "[" * 20_000 + " <b>tail</b>"  # quadratic in Python-Markdown's link parser
    started = time.perf_counter()
    html = render_markdown(text, time_limit=0.2)
    assert time.perf_counter() - started < 2
    assert html.startswith("<p><i>Shown as plain text: rendering it as Markdown took too long")
    assert "&lt;b&gt;tail&lt;/b&gt;" in html
    assert render_markdown_within(text, 0.2) is None
    assert render_markdown_within("*hi*", 5) == "<p><em>hi</em></p>"


def test_render_document_wraps_the_fragment_with_a_style_sheet() -> None:
    page = render_document("# Title", dark=True)
    assert page.startswith("<!DOCTYPE html>")
    assert "<h1>Title</h1>" in page
    assert "rgba(255, 255, 255" in page
    assert "rgba(0, 0, 0" in render_document("x")


# Tokens that exercise the HTML, link, image, code and table paths more often than plain text.
# fmt: off
_TOKENS = st.sampled_from(
    [
        "<", ">", "&", "`", "```", "~~~", "\n", "\n\n", " ", "[", "]", "(", ")", "!", "*", "_",
        "|", "-", "#", ":", '"', "'", "\\", "<script>", "<img src=x>", "<IMG SRC=x>", "</a>",
        "<a href='javascript:x'>", "javascript:", "http://x", "file:///", "data:", "onerror=",
        "![a](", "[b](", "<http://x>", "<x@y.z>", "&#60;", "&lt;", "{#id}", "    ", "> ",
        "1. ", "- ", "|---|", "\x00", "\ud800", "😀", "\u202e",
    ]
)
# fmt: on
_TEXT = st.lists(st.one_of(_TOKENS, st.text(max_size=8)), max_size=60).map("".join)


@given(_TEXT)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_text_renders_inert_html(text: str) -> None:
    assert_inert(render_markdown(text))


# Lines that open, close, or almost close fenced code blocks.
_FENCE_LINES = st.lists(
    st.sampled_from(
        [
            "```", "````", "~~~", "~~~~", "``", "``` ", "~~~  ", "```py", "```{.a #b}", "```{",
            '```py hl_lines="1"', "```` x", "x", "", "`code`", "```~~~",
        ]
    ),
    max_size=16,
).map("\n".join)  # fmt: skip


@given(_FENCE_LINES)
@example("```\nx\n```")
@example("~~~~ \n```\n~~~~  \n")
@settings(max_examples=400, deadline=None)
def test_fence_search_finds_what_the_extension_would(text: str) -> None:
    ours = markdown.Markdown(extensions=["fenced_code"])
    theirs = markdown.Markdown(extensions=["fenced_code"])
    fences = ours.preprocessors["fenced_code_block"]
    fences.FENCED_BLOCK_RE = _FenceSearch(fences.FENCED_BLOCK_RE)  # type: ignore[attr-defined]
    lines = text.split("\n")
    assert fences.run(lines) == theirs.preprocessors["fenced_code_block"].run(lines)
    assert ours.htmlStash.rawHtmlBlocks == theirs.htmlStash.rawHtmlBlocks
