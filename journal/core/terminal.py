"""Text a model or an import wrote, made harmless to show on a terminal.

A terminal obeys control characters: ESC and its 8-bit twin CSI (U+009B) start sequences
that retitle the window, clear the screen, plant hyperlinks or rewrite earlier lines, and
bidi overrides make a line read differently from what it holds. `visible_controls` shows
each such character as a visible token instead, so the person sees that it is there and
the terminal does nothing. It decides per character, without state, so chunks of a stream
can be passed through one at a time and give the same result as the whole text.
"""

from __future__ import annotations

_C0 = range(0x00, 0x20)
_DEL = 0x7F
_C1 = range(0x80, 0xA0)
_BIDI = (*range(0x202A, 0x202F), *range(0x2066, 0x206A))  # embeddings, overrides, isolates
_KEPT = {ord("\n"), ord("\t")}


def _token(code: int) -> str:
    if code in _C0:
        return chr(0x2400 + code)  # Unicode's control pictures: ␀ … ␛ … ␟
    if code == _DEL:
        return "\u2421"  # ␡
    return f"<U+{code:04X}>"


_TABLE: dict[int, str] = {
    code: _token(code) for code in (*_C0, _DEL, *_C1, *_BIDI) if code not in _KEPT
}


def visible_controls(text: str) -> str:
    """`text` with every control character except newline and tab, and every bidi
    override or isolate, replaced by a visible token (␛, ␍, <U+009B>, <U+202E>...)."""
    return text.translate(_TABLE)
