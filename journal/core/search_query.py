"""What a person types into a search, as a full-text query: the one reading for the CLI's
`journal search`, its `--search` filters and the window's search box.

The rules are few so they can be told in one line of help: words must all appear;
"quoted words" must appear together, in that order; `OR` in capitals between two terms
means either will do. Everything else is text: FTS5 would read `c++`, `C#`, `node.js`,
`a:b`, `-`, `*`, `^`, `NEAR(...)`, parentheses or an unbalanced quote as syntax and fail,
so each term is rebuilt from its words and quoted, and nothing a person types can be a
syntax error.
"""

from __future__ import annotations

import re
from typing import NamedTuple

SEARCH_SYNTAX_HELP = (
    'words must all appear; "quoted words" must appear together as a phrase; OR (in '
    "capitals) between two terms means either; anything else (c++, node.js, a:b, -, *) "
    "is plain text; the last word also matches as a prefix"
)

SEARCH_EXAMPLES = """examples:
  journal search 'rivers europe'        both words, in any order
  journal search '"new york" pizza'     the phrase new york, and pizza
  journal search 'rivers paris OR rome' rivers, and paris or rome
  journal search 'c++ templates'        c++ is text: punctuation is never syntax"""

_WORD = re.compile(r"\w+", re.UNICODE)
# A "quoted phrase" with its closing quote, else a run of anything but space.
_PIECE = re.compile(r'"([^"]*)"|\S+')
_OR = "OR"


class _Term(NamedTuple):  # not a frozen dataclass: lighter to define, read the same
    words: tuple[str, ...]
    quoted: bool  # typed in quotes: exact, never a prefix


def _terms(user_text: str) -> list[_Term | str]:
    """The typed pieces in order: terms, and the string OR where it joins two of them."""
    pieces: list[_Term | str] = []
    for match in _PIECE.finditer(user_text):
        if match.group(1) is not None:
            words = tuple(_WORD.findall(match.group(1)))
            quoted = True
        elif match.group() == _OR:
            pieces.append(_OR)
            continue
        else:
            # An unbalanced quote lands here too: its words are text like any other.
            words = tuple(_WORD.findall(match.group()))
            quoted = False
        if words:
            pieces.append(_Term(words, quoted))
    return _joined_by_or(pieces)


def _joined_by_or(pieces: list[_Term | str]) -> list[_Term | str]:
    """OR only between two terms; a leading, trailing or doubled OR is the word `or`."""
    kept: list[_Term | str] = []
    for index, piece in enumerate(pieces):
        if piece == _OR:
            before = kept[-1] if kept else None
            after = pieces[index + 1] if index + 1 < len(pieces) else None
            if isinstance(before, _Term) and isinstance(after, _Term):
                kept.append(_OR)
                continue
            piece = _Term((_OR,), quoted=False)
        kept.append(piece)
    return kept


def _phrase(term: _Term, *, prefix: bool) -> str:
    # \w+ words hold no quote, so the FTS5 string needs no escaping.
    return f'"{" ".join(term.words)}"' + ("*" if prefix else "")


def match_query(user_text: str, *, prefix_last: bool = True) -> str | None:
    """The FTS5 query for what a person typed (see the module docstring); None when it
    holds no word at all. With `prefix_last`, a last unquoted word matches as a prefix so
    results follow typing. `a b OR c` means a, and b or c: OR binds the two terms beside it.
    """
    pieces = _terms(user_text)
    if not pieces:
        return None
    last = pieces[-1]
    groups: list[list[str]] = []
    joining = False
    for piece in pieces:
        if piece == _OR:
            joining = True
            continue
        assert isinstance(piece, _Term)
        prefix = prefix_last and piece is last and not piece.quoted
        text = _phrase(piece, prefix=prefix)
        if joining:
            groups[-1].append(text)
        else:
            groups.append([text])
        joining = False
    # AND in words: SQLite's FTS5 before 3.43 reads no implicit AND beside a parenthesis.
    return " AND ".join(
        group[0] if len(group) == 1 else f"({' OR '.join(group)})" for group in groups
    )
