"""Turn a model's Markdown answer into HTML that shows its raw HTML as text and loads nothing."""

from __future__ import annotations

import functools
import html
import logging
import re
import time
from typing import TYPE_CHECKING, ParamSpec, TypeVar
from xml.etree.ElementTree import Element

if TYPE_CHECKING:
    from collections.abc import Callable

    import markdown

logger = logging.getLogger(__name__)
_P = ParamSpec("_P")
_R = TypeVar("_R")

# Seconds a conversion may take before the answer is shown as plain text. Measured for 1 MB
# answers: prose 1.1 s, prose with code blocks and tables 3.5 s, nothing but tables 5.7 s; a
# 10,000-character run of "[" alone would take 15 s (and 40,000 over a minute).
DEFAULT_TIME_LIMIT = 8.0

# Schemes a rendered link may keep; any other link becomes plain text (javascript:, file:, data:).
SAFE_LINK_SCHEMES = ("http", "https", "mailto")

_EXTENSIONS = ("fenced_code", "tables", "sane_lists")

# C0 controls other than tab, newline and carriage return become U+FFFD: Markdown uses \x02 and
# \x03 as placeholders of its own, and the others (NUL, escape codes) show as nothing or garbage.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SCHEME = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.\-]*):")


def clean_text(text: str) -> str:
    """`text` without control characters and with every lone surrogate replaced by U+FFFD.

    A surrogate pair that arrived as two separate code points (JSON `\\ud83d\\ude00`) is joined
    back into its character rather than lost.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return _CONTROL_CHARACTERS.sub("\ufffd", text)


def link_is_safe(href: str) -> bool:
    """Whether a rendered link may point at `href`: http(s) and mailto only."""
    match = _SCHEME.match(href)
    return match is not None and match.group(1).lower() in SAFE_LINK_SCHEMES


def render_markdown(text: str, *, time_limit: float | None = DEFAULT_TIME_LIMIT) -> str:
    """An HTML fragment for `text`: its Markdown rendered, its raw HTML shown as text.

    Images become links to the image (labelled with the alt text), so showing the answer never
    fetches anything; links keep their target only for http, https and mailto.

    Python-Markdown is quadratic or worse on some inputs (a long run of `[`), so conversion
    stops after `time_limit` seconds and the answer is shown as escaped plain text instead;
    the same happens if the converter fails on an odd input.
    """
    try:
        return _convert(text, time_limit)
    except _TooSlow:
        return _as_plain_text(text, "rendering it as Markdown took too long")
    except Exception:  # a parser failure on odd input must not lose the answer
        logger.warning("Markdown rendering failed; showing plain text", exc_info=True)
        return _as_plain_text(text, "it could not be rendered as Markdown")


def render_markdown_within(text: str, seconds: float) -> str | None:
    """render_markdown(text) if it takes at most about `seconds`, else None.

    For a caller on the GUI thread that would rather finish the work elsewhere than wait.
    """
    try:
        return _convert(text, seconds)
    except _TooSlow:
        return None
    except Exception:
        logger.warning("Markdown rendering failed; showing plain text", exc_info=True)
        return _as_plain_text(text, "it could not be rendered as Markdown")


def _as_plain_text(text: str, reason: str) -> str:
    return f"<p><i>Shown as plain text: {reason}.</i></p>" + escape_as_pre(text)


def _convert(text: str, time_limit: float | None) -> str:
    converter = _new_converter()
    if time_limit is not None:
        _watch(converter, time.monotonic() + time_limit)
    return converter.convert(clean_text(text))


def render_document(text: str, *, dark: bool = False) -> str:
    """A standalone HTML document for `text` (to save or open in a web browser), styled.

    Colours are translucent black (or white when `dark`) over the page's own background, so
    text keeps its colours in light and dark themes alike. (The window's answer view styles
    the fragment itself, for the subset of CSS that Qt's rich text understands.)
    """
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<style>{style_sheet(dark=dark)}</style></head>\n"
        f"<body>\n{render_markdown(text)}\n</body></html>\n"
    )


def style_sheet(*, dark: bool = False) -> str:
    """CSS for code blocks, inline code and tables in a rendered document."""
    shade = "255, 255, 255" if dark else "0, 0, 0"
    return (
        f"pre {{ background-color: rgba({shade}, 0.07); padding: 8px; margin-top: 6px;"
        " margin-bottom: 6px; white-space: pre-wrap; font-family: monospace; }"
        f" code {{ background-color: rgba({shade}, 0.07); font-family: monospace; }}"
        " table { border-collapse: collapse; margin-top: 6px; margin-bottom: 6px; }"
        f" th, td {{ padding: 4px 8px; border: 1px solid rgba({shade}, 0.25); }}"
        f" th {{ background-color: rgba({shade}, 0.06); font-weight: 600; }}"
        " h1, h2, h3, h4 { margin-top: 12px; margin-bottom: 6px; }"
        " p { margin-top: 4px; margin-bottom: 6px; }"
    )


def _new_converter() -> markdown.Markdown:
    # A fresh converter per call: `Markdown` keeps state (references, the stash) between
    # conversions and is not thread-safe, and the GUI renders big answers on a pool thread.
    import markdown

    class _Sanitizer(markdown.treeprocessors.Treeprocessor):
        """Turn every image into a link to it and drop links with an unsafe scheme."""

        def run(self, root: Element) -> None:
            for element in root.iter():
                if element.tag == "img":
                    _image_to_link(element)
                elif element.tag == "a" and not link_is_safe(_real_href(element)):
                    title = element.get("title")
                    element.tag = "span"
                    element.attrib.clear()
                    if title:
                        element.set("title", title)

    class _NoRawHtml(markdown.extensions.Extension):
        def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (the API's name)
            # Without these, raw HTML blocks and inline tags are copied to the output as is;
            # with them gone, `<` and `&` reach the serializer as text and come out escaped.
            md.preprocessors.deregister("html_block")
            md.inlinePatterns.deregister("html")
            # After the inline processor (20), which creates the img and a elements.
            md.treeprocessors.register(_Sanitizer(md), "journal_sanitize", 15)
            fences = md.preprocessors["fenced_code_block"]
            fences.FENCED_BLOCK_RE = _FenceSearch(fences.FENCED_BLOCK_RE)  # type: ignore[attr-defined]

    return markdown.Markdown(extensions=[*_EXTENSIONS, _NoRawHtml()], output_format="html")


def _real_href(element: Element) -> str:
    # Automatic mail links hide their address behind entities and Markdown's `&` placeholder.
    from markdown.util import AMP_SUBSTITUTE

    return html.unescape(element.get("href", "").replace(AMP_SUBSTITUTE, "&"))


# A line that opens (or may close) a fenced code block, as the fenced_code extension sees it.
_FENCE_LINE = re.compile(r"^(?:~{3,}|`{3,})", re.MULTILINE)


class _FenceSearch:
    """Stands in for the fenced_code extension's FENCED_BLOCK_RE, with the same results.

    That pattern's `search` scans from every opening fence to the end of the text when no
    closing fence follows, so an answer full of unclosed fences (a small model stuck repeating
    "```python") took minutes: 40 KB of them took 3 s. Here the pattern is only tried at an
    opening whose closing line exists, and a fence known to have no closing line after some
    point is not looked for again. That memo counts from the end of the text: the extension
    only replaces text before the point where it searches next, so the tail stays the same.
    One instance serves one conversion.
    """

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self._pattern = pattern
        self._closers: dict[str, re.Pattern[str]] = {}
        self._unclosed_tail: dict[str, int] = {}  # fence -> no closing line in the last n chars

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        for opening in _FENCE_LINE.finditer(text, pos):
            fence = opening.group()
            line_end = text.find("\n", opening.end())
            if line_end < 0:
                return None  # the last line: nothing can follow it
            tail = len(text) - line_end
            if self._unclosed_tail.get(fence, -1) >= tail:
                continue
            closer = self._closers.get(fence)
            if closer is None:
                closer = re.compile("\n" + re.escape(fence) + r"[ ]*(?=\n|\Z)")
                self._closers[fence] = closer
            if closer.search(text, line_end) is None:
                self._unclosed_tail[fence] = tail
                continue
            match = self._pattern.match(text, opening.start())
            if match is not None:
                return match
        return None


class _TooSlow(Exception):
    """The conversion ran past its deadline."""


def _watch(converter: markdown.Markdown, deadline: float) -> None:
    """Make every block and inline processor of `converter` give up once `deadline` passes.

    The checks sit between processor calls, which are frequent: each one handles one block or
    one match, so the overshoot is bounded by the cost of a single call.
    """

    def checked(method: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(method)
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            if time.monotonic() > deadline:
                raise _TooSlow
            return method(*args, **kwargs)

        return wrapper

    for pattern in converter.inlinePatterns:
        pattern.handleMatch = checked(pattern.handleMatch)  # type: ignore[method-assign]
    for processor in converter.parser.blockprocessors:
        processor.test = checked(processor.test)  # type: ignore[method-assign]
        processor.run = checked(processor.run)  # type: ignore[method-assign]


def _image_to_link(element: Element) -> None:
    src = element.get("src", "")
    alt = element.get("alt", "") or src or "image"
    title = element.get("title")
    element.attrib.clear()
    element.text = f"[image: {alt}]"
    if link_is_safe(src):
        element.tag = "a"
        element.set("href", src)
        element.set("title", title or src)
    else:
        element.tag = "span"
        if title:
            element.set("title", title)


def escape_as_pre(text: str) -> str:
    """`text` as an escaped `<pre>` block: the fallback when Markdown rendering is not wanted."""
    return f"<pre>{html.escape(clean_text(text), quote=False)}</pre>"
