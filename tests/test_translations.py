"""The translation files stay in step with the code: every marked string is in the .ts
files, the committed .qm files are compiled from them, the core's templates are listed for
extraction, and a translation keeps every placeholder of its source.

Qt-free: the Qt tools run as programs (see scripts/i18n.py)."""

from __future__ import annotations

import ast
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.i18n_script import i18n_script

ROOT = Path(__file__).resolve().parent.parent
TS_FOLDER = ROOT / "resources" / "i18n"
QM_FOLDER = ROOT / "journal" / "gui" / "translations"
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%L?n")


@dataclass(frozen=True)
class Entry:
    context: str
    source: str
    forms: tuple[str, ...]  # the translation, or its plural forms
    unfinished: bool


def _entries(path: Path) -> list[Entry]:
    entries = []
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            forms = [form.text or "" for form in translation.iter("numerusform")]
            entries.append(
                Entry(
                    name,
                    message.findtext("source", ""),
                    tuple(forms) if message.get("numerus") == "yes" else (translation.text or "",),
                    translation.get("type") == "unfinished",
                )
            )
    return entries


def _keys(path: Path) -> set[tuple[str, str]]:
    return {(entry.context, entry.source) for entry in _entries(path)}


def test_the_core_templates_are_listed_for_extraction() -> None:
    generated = i18n_script().core_messages_source()
    assert (ROOT / "journal" / "gui" / "core_messages.py").read_text() == generated, (
        "run scripts/i18n.py update"
    )


def test_the_ts_files_hold_every_marked_string(tmp_path: Path) -> None:
    i18n_script().lupdate(tmp_path)
    for language in ("fr", "en"):
        fresh, committed = tmp_path / f"journal_{language}.ts", TS_FOLDER / f"journal_{language}.ts"
        assert _keys(fresh) == _keys(committed), "run scripts/i18n.py update"


def test_the_committed_qm_files_are_compiled_from_the_ts_files(tmp_path: Path) -> None:
    # lrelease writes the same bytes for the same .ts (checked when this test was written).
    i18n_script().lrelease(TS_FOLDER, tmp_path)
    for language in ("fr", "en"):
        name = f"journal_{language}.qm"
        assert (tmp_path / name).read_bytes() == (QM_FOLDER / name).read_bytes(), (
            "run scripts/i18n.py release"
        )


def test_every_french_entry_is_translated() -> None:
    unfinished = [
        f"{entry.context}: {entry.source}"
        for entry in _entries(TS_FOLDER / "journal_fr.ts")
        if entry.unfinished
    ]
    assert unfinished == []


def test_a_translation_keeps_every_placeholder_of_its_source() -> None:
    lost = []
    for language in ("fr", "en"):
        for entry in _entries(TS_FOLDER / f"journal_{language}.ts"):
            needed = set(PLACEHOLDER.findall(entry.source))
            for form in entry.forms:
                if form and not needed <= set(PLACEHOLDER.findall(form)):
                    lost.append(f"{language} {entry.context}: {entry.source!r} -> {form!r}")
    assert lost == []


def test_every_french_plural_has_both_forms_and_english_its_two() -> None:
    for language in ("fr", "en"):
        path = TS_FOLDER / f"journal_{language}.ts"
        for entry in _entries(path):
            if len(entry.forms) > 1 or "%n" in entry.source:
                assert entry.unfinished or (len(entry.forms) == 2 and all(entry.forms)), entry


def _count_argument_lupdate_drops(call: ast.Call) -> bool:
    """pyside6-lupdate silently skips a translate(context, text, disambiguation, n) whose
    count is not a plain name or number (an attribute, a call, an expression)."""
    if len(call.args) < 4:
        return False
    return not isinstance(call.args[3], ast.Name | ast.Constant)


def test_every_counted_message_is_one_lupdate_extracts() -> None:
    dropped = []
    for path in sorted((ROOT / "journal" / "gui").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", getattr(node.func, "id", None)) == "translate"
                and _count_argument_lupdate_drops(node)
            ):
                dropped.append(f"{path.name}:{node.lineno}")
    assert dropped == [], "give the count a name first (n = len(rows); translate(..., n))"


def _contexts(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None))
            in ("translate", "QT_TRANSLATE_NOOP")
            and len(node.args) > 1
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[1], ast.Constant)  # what lupdate extracts
        ):
            yield node.lineno, str(node.args[0].value)


def test_each_module_translates_in_its_own_context() -> None:
    """A translator sees where a text is shown: a text is marked in its module's context
    ("core" for the core's messages, which journal.gui.i18n and core_messages translate);
    a constant marked in one module may be translated in another under its own context."""
    elsewhere = [
        f"{path.name}:{line} {context!r}"
        for path in sorted((ROOT / "journal" / "gui").glob("*.py"))
        for line, context in _contexts(ast.parse(path.read_text(encoding="utf-8")))
        if context not in (path.stem, "core")
    ]
    assert elsewhere == []
