"""`journal models`, `journal unload` and `journal rm-model`: what the Ollama server has on
disk and in memory, and letting a model go from either.

Light to import like every command module: the core is imported inside the handlers.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from journal.cli_support import AddCommand, print_json, print_table, service

if TYPE_CHECKING:
    from journal.core.ollama_service import LoadedModel


def cmd_models(args: argparse.Namespace) -> int:
    from journal.core.formatting import human_size

    ollama = service(args)
    if args.loaded:
        return _print_loaded(args)
    models = ollama.list_models()
    loaded = {m.name: m for m in ollama.loaded_models()}
    if args.json:
        print_json(
            [
                {
                    "name": m.name,
                    "digest": m.digest,
                    "family": m.family,
                    "parameter_size": m.parameter_size,
                    "quantization_level": m.quantization_level,
                    "size": m.size,
                    "modified_at": m.modified_at,
                    "loaded_until": _expires(loaded[m.name]) if m.name in loaded else None,
                }
                for m in models
            ],
            sys.stdout,
        )
        return 0
    if not models:
        print("No models yet. Pull one with `ollama pull NAME`.", file=sys.stderr)
        return 0
    rows = [("NAME", "DIGEST", "SIZE", "FAMILY", "PARAMS", "QUANT", "LOADED")]
    rows += [
        (
            m.name,
            m.short_digest,
            human_size(m.size),
            m.family,
            m.parameter_size,
            m.quantization_level,
            loaded[m.name].until() if m.name in loaded else "-",
        )
        for m in models
    ]
    print_table(rows)
    return 0


def _print_loaded(args: argparse.Namespace) -> int:
    from journal.core.formatting import human_size, short_digest

    loaded = service(args).loaded_models()
    if args.json:
        print_json(
            [
                {
                    "name": m.name,
                    "digest": m.digest,
                    "size": m.size,
                    "size_vram": m.size_vram,
                    "processor": m.processor,
                    "context_length": m.context_length or None,
                    "expires_at": _expires(m),
                }
                for m in loaded
            ],
            sys.stdout,
        )
        return 0
    if not loaded:
        print("No model is loaded now.", file=sys.stderr)
        return 0
    rows = [("NAME", "DIGEST", "SIZE", "PROCESSOR", "CONTEXT", "LOADED")]
    rows += [
        (
            m.name,
            short_digest(m.digest),
            human_size(m.size),
            m.processor,
            str(m.context_length or "-"),
            m.until(),
        )
        for m in loaded
    ]
    print_table(rows)
    return 0


def _expires(model: LoadedModel) -> str | None:
    return model.expires_at.isoformat() if model.expires_at is not None else None


def cmd_unload(args: argparse.Namespace) -> int:
    ollama = service(args)
    if ollama.unload(args.model):
        print(f"Unloaded {args.model}: Ollama no longer holds it in memory.")
    else:
        print(f"{args.model} was not loaded; nothing changed.")
    return 0


def cmd_rm_model(args: argparse.Namespace) -> int:
    from journal.core.errors import InvalidInputError
    from journal.core.formatting import human_size
    from journal.core.ollama_service import NoSuchModelError

    ollama = service(args)
    model = ollama.find_model(args.model)
    if model is None:
        raise NoSuchModelError(args.model, ollama.host, "delete")
    what = f"{model.name} ({human_size(model.size)} on disk)"
    if not args.yes and not sys.stdin.isatty():
        # A script deletes gigabytes only when it says so: no terminal, no question, no yes.
        raise InvalidInputError(
            f"Not deleting {what} without asking: add --yes to delete it from a script."
        )
    if not args.yes:
        print(f"Delete {what} from {ollama.host}? Running it again needs a pull.", end=" ")
        try:
            answer = input("[y/N] ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing deleted.", file=sys.stderr)
            return 1
    ollama.delete_model(model.name)
    print(f"Deleted {what} from {ollama.host}.")
    return 0


def register(add: AddCommand) -> None:
    models = add("models", cmd_models, "list the models Ollama has, with size and whether loaded")
    models.add_argument(
        "--loaded",
        action="store_true",
        help="list only the models in memory now, with where they run and until when",
    )
    unload = add(
        "unload",
        cmd_unload,
        "let Ollama drop a model from memory now (it stays on disk)",
        json_output=False,
    )
    unload.add_argument("model", metavar="MODEL", help="the model to unload, e.g. llama3:8b")
    remove = add(
        "rm-model",
        cmd_rm_model,
        "delete a model from the Ollama server's disk (asks first)",
        json_output=False,
    )
    remove.add_argument("model", metavar="MODEL", help="the model to delete, e.g. llama3:8b")
    remove.add_argument(
        "-y",
        "--yes",
        action="store_true",
        help="delete without asking (needed when standard input is not a terminal)",
    )
