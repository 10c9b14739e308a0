"""Counts, sizes, digests and filters read the same in the window, the CLI, the export and
the import, because there is one helper for each (journal/core/formatting.py)."""

from __future__ import annotations

import ast
from pathlib import Path

from journal.core.export_markdown import ExportResult
from journal.core.formatting import human_size, plural, short_digest
from journal.core.import_markdown import ImportResult
from journal.core.models import Run
from journal.core.notebook_format import Layout
from journal.core.ollama_service import ModelInfo

PACKAGE = Path(__file__).resolve().parents[2] / "journal"
DIGEST = "1a2b3c4d5e6f" + "0" * 52


def test_plural_counts_with_thousands_separators() -> None:
    assert plural(1, "run") == "1 run"
    assert plural(0, "run") == "0 runs"
    assert plural(2, "new experiment") == "2 new experiments"
    assert plural(3, "batch") == "3 batches" and plural(1, "batch") == "1 batch"
    assert plural(1234, "experiment") == "1,234 experiments"


def test_human_sizes_read_like_ollama() -> None:
    assert human_size(512) == "512 B"
    assert human_size(1_450) == "1.4 KB"
    assert human_size(312_000_000) == "312 MB"
    assert human_size(4_661_224_676) == "4.7 GB"


def test_a_digest_is_shortened_one_way_everywhere() -> None:
    assert short_digest(DIGEST) == "1a2b3c4d5e6f"
    assert short_digest("") == short_digest(None) == ""
    assert Run(experiment_id=1, model="m", model_digest=DIGEST).short_digest == "1a2b3c4d5e6f"
    assert ModelInfo(name="m", digest=DIGEST).short_digest == "1a2b3c4d5e6f"


def test_export_and_import_summaries_count_and_size_like_the_window() -> None:
    result = ExportResult(Path("n.md"), Layout.FILE, experiments=1234, runs=1, size=4_661_224_676)
    assert result.summary() == "Exported 1,234 experiments and 1 run to n.md (4.7 GB)."
    imported = ImportResult(Path("n.md"), new_experiments=1, new_runs=2000)
    assert imported.summary().startswith("1 new experiment, 2,000 new runs, 0 already present")


def _own_definitions(tree: ast.Module) -> set[str]:
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


def test_no_module_keeps_its_own_copy_of_a_formatting_helper() -> None:
    """A `_plural`, a `human_size` or a `[:12]` elsewhere would drift from the shared one."""
    copies = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "formatting.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(PACKAGE.parent)
        for name in _own_definitions(tree):
            if name.strip("_") in {"plural", "human_size"}:
                copies.append(f"{where}: def {name}")
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Slice)
                and node.lower is None
                and isinstance(node.upper, ast.Constant | ast.Name)
                and getattr(node.upper, "value", getattr(node.upper, "id", None))
                in (12, "SHORT_DIGEST")
            ):
                copies.append(f"{where}:{node.lineno}: [:{ast.unparse(node.upper)}]")
    assert copies == []
