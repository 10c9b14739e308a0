"""Real Markdown readers, and what an export may make them produce.

An export is safe to open when nothing from the journal becomes HTML, a link or an image in
any reader: the only HTML is the exporter's own metadata comments and run anchors (an empty
`<a id="run-<hex and dashes>"></a>`), the only links are the exporter's own (index.md and the
experiment files of a folder export, and run anchors in them), and a reader's own
autolinking of plain text yields nothing but http, https and mailto links.

markdown-it-py is always there (the test extras); pandoc and cmark-gfm are used when they
are on PATH (CI installs them), and the tests that need them are skipped otherwise.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from journal.core.notebook_format import BLOCK_PREFIX, EXPERIMENT_FILE, INDEX_NAME

MARKDOWN_IT = {
    "commonmark": MarkdownIt("commonmark", {"html": True}),
    "commonmark+table+strikethrough": MarkdownIt("commonmark", {"html": True}).enable(
        ["table", "strikethrough"]
    ),
}

# Each reader as a command that reads Markdown on standard input and writes HTML.
COMMANDS = {
    "pandoc markdown": ["pandoc", "-f", "markdown", "-t", "html"],
    "pandoc gfm": ["pandoc", "-f", "gfm", "-t", "html"],
    "cmark-gfm": ["cmark-gfm", "--unsafe", "-e", "table", "-e", "strikethrough", "-e", "autolink"],
}

SAFE_SCHEMES = ("http:", "https:", "mailto:")


def available(command: str) -> bool:
    return shutil.which(COMMANDS[command][0]) is not None


def all_tokens(tokens: Iterable[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from all_tokens(token.children)


def is_metadata_comment(html: str) -> bool:
    """Exactly one of the exporter's `<!-- llm-journal:KIND {...} -->` blocks (its JSON
    escapes every < and >, so the comment can hold no other tag and end nowhere else)."""
    body = html.rstrip("\n")
    return (
        body.startswith(BLOCK_PREFIX)
        and body.endswith(" -->")
        and body.count("<") == 1
        and body.count(">") == 1
    )


# The exporter's own run anchors (export_text.run_anchor), and links to them.
OWN_ANCHOR = re.compile(r'<a id="run-[0-9a-f-]{32,36}">')
_ANCHOR_FRAGMENT = re.compile(r"#run-[0-9a-f-]{32,36}")


def is_own_link(href: str, own_links: frozenset[str]) -> bool:
    """A link the exporter writes: to one of `own_links`, or to a run anchor (in one)."""
    if href in own_links:
        return True
    where, hash_, fragment = href.partition("#")
    return (
        bool(hash_)
        and (not where or where in own_links)
        and bool(_ANCHOR_FRAGMENT.fullmatch(hash_ + fragment))
    )


def _html_at(tokens: list[Token], number: int) -> str:
    inside = 0 <= number < len(tokens)
    return tokens[number].content if inside and tokens[number].type == "html_inline" else ""


def own_anchor_problems(tokens: list[Token]) -> list[str]:
    """Inline HTML that is not exactly an own anchor's `<a id=...>` right before its `</a>`."""
    problems = []
    for number, token in enumerate(tokens):
        if token.type != "html_inline":
            continue
        before = _html_at(tokens, number - 1)
        after = _html_at(tokens, number + 1)
        if OWN_ANCHOR.fullmatch(token.content) and after == "</a>":
            continue
        if token.content == "</a>" and OWN_ANCHOR.fullmatch(before):
            continue
        problems.append(f"html_inline {token.content!r}")
    return problems


def own_links_of(name: str, folder_names: Iterable[str] = ()) -> frozenset[str]:
    """The links the exporter itself writes into the file `name` of an export."""
    if name == INDEX_NAME:
        return frozenset(n for n in folder_names if EXPERIMENT_FILE.match(n))
    if EXPERIMENT_FILE.match(name):
        return frozenset({INDEX_NAME})
    return frozenset()


def markdown_it_problems(
    text: str,
    *,
    own_links: frozenset[str],
    blocks: int,
    own_images: frozenset[str] = frozenset(),
) -> list[str]:
    """What markdown-it makes of `text` that journal content must never produce. The only
    images are the exporter's own links to its assets (`own_images`), alt text `image N`."""
    problems = []
    for name, parser in MARKDOWN_IT.items():
        tokens = list(all_tokens(parser.parse(text)))
        comments = [t.content for t in tokens if t.type == "html_block"]
        if len(comments) != blocks or not all(is_metadata_comment(c) for c in comments):
            foreign = [c for c in comments if not is_metadata_comment(c)]
            problems.append(f"{name}: html_block {foreign or len(comments)} (expected {blocks})")
        problems += [f"{name}: {problem}" for problem in own_anchor_problems(tokens)]
        problems += [
            f"{name}: image {t.attrGet('src')!r}"
            for t in tokens
            if t.type == "image"
            and (t.attrGet("src") not in own_images or not OWN_ALT.fullmatch(t.content))
        ]
        for token in tokens:
            href = token.attrGet("href") if token.type == "link_open" else None
            if href is not None and not is_own_link(str(href), own_links):
                problems.append(f"{name}: link to {href!r}")
    return problems


def fence_contents(text: str) -> list[str]:
    tokens = MARKDOWN_IT["commonmark"].parse(text)
    return [t.content for t in tokens if t.type == "fence"]


def render(command: str, text: str) -> str:
    done = subprocess.run(
        COMMANDS[command],
        input=text.encode("utf-8"),
        capture_output=True,
        check=True,
        timeout=300,  # a hang guard only: these take well under a second
    )
    return done.stdout.decode("utf-8")


# What Markdown structure becomes in HTML. Raw HTML from the journal would show up as any
# other tag (script, img, iframe, svg, style, b...), or as an attribute not listed here.
STRUCTURE_TAGS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "code"}
    | {"em", "strong", "a", "br", "hr", "table", "thead", "tbody", "tr", "th", "td", "del"}
    | {"sup", "sub", "span", "div", "colgroup", "col"}
)
# id: pandoc's heading anchors; class: code languages and pandoc's math, citation and emoji
# spans (harmless text formatting a person's `$x$`, `@key` or `:smile:` may still make).
ATTRIBUTES = frozenset({"id", "class", "href", "align", "style", "data-cites", "data-emoji"})
_ALIGN_STYLE = re.compile(r"text-align: (left|right|center);?|width: ?[0-9]+%;?")


_CMARK_XMPP = re.compile(r"[A-Za-z0-9.+_-]*xmpp:.*", re.DOTALL)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.comments: list[str] = []
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.other: list[str] = []
        self._link: list[str] | None = None
        self._href = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag == "a" and "href" in dict(attrs):  # an own anchor (id only) links nowhere
            self._href = dict(attrs).get("href") or ""
            self._link = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            self.links.append((self._href, "".join(self._link)))
            self._link = None

    def handle_data(self, data: str) -> None:
        if self._link is not None:
            self._link.append(data)

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def handle_decl(self, decl: str) -> None:
        self.other.append(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self.other.append(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self.other.append(f"<![{data}]>")


OWN_ALT = re.compile(r"image [0-9]+")


def html_problems(
    html: str,
    *,
    own_links: frozenset[str],
    blocks: int,
    own_images: frozenset[str] = frozenset(),
) -> list[str]:
    """What in a reader's HTML journal content must never have put there (but the
    exporter's own images, `own_images`, with their `image N` alt text)."""
    found = _Collector()
    found.feed(html)
    found.close()
    problems = list(found.other)
    ours = [c for c in found.comments if f"<!--{c}-->".startswith(BLOCK_PREFIX)]
    if len(ours) != len(found.comments) or len(ours) != blocks:
        problems.append(f"comments {found.comments!r}")
    for tag, attrs in found.tags:
        if tag == "img":
            image = dict(attrs)
            if (
                image.get("src") not in own_images
                or not OWN_ALT.fullmatch(image.get("alt") or "")
                or not set(image) <= {"src", "alt"}
            ):
                problems.append(f"<img {attrs}>")
            continue
        if own_images and tag in ("figure", "figcaption") and set(dict(attrs)) <= {"aria-hidden"}:
            continue  # pandoc's figure around an image alone in its paragraph: the alt text
        if tag not in STRUCTURE_TAGS:
            problems.append(f"<{tag} {attrs}>")
        anchor = tag == "a" and "href" not in dict(attrs)  # only the exporter's own anchors
        if anchor and (len(attrs) != 1 or not _ANCHOR_FRAGMENT.fullmatch(f"#{attrs[0][1]}")):
            problems.append(f"<a {attrs}>")
        for name, value in attrs:
            if name not in ATTRIBUTES:
                problems.append(f"<{tag} {name}={value!r}>")
            elif name == "style" and not _ALIGN_STYLE.fullmatch(value or ""):
                problems.append(f"<{tag} style={value!r}>")
    for href, shown in found.links:
        if is_own_link(href, own_links) or href.lower().startswith(SAFE_SCHEMES):
            continue
        # cmark-gfm links `xmpp:a@b.c` written as plain text, whatever escapes or entities
        # spell it (it looks for them after decoding), and takes in the letters, digits and
        # `.+-_` in front of `xmpp:` too (`---xmpp:a@b.c`): the reader's own doing, and inert.
        if _CMARK_XMPP.fullmatch(href) and href == shown:
            continue
        problems.append(f"link to {href!r} ({shown!r})")
    return problems


def export_files(path: Path) -> dict[str, str]:
    """The Markdown files of an export (a file, or a folder's files), by name."""
    if path.is_dir():
        return {p.name: p.read_text(encoding="utf-8") for p in sorted(path.iterdir())}
    return {path.name: path.read_text(encoding="utf-8")}
