"""`journal config list | get KEY | set KEY VALUE... | unset KEY`: the settings file the
window's Settings dialog writes too (Ollama hosts, default options for new runs, models).

Light to import like every command module: the core is imported inside the handlers.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys

from journal.cli_support import AddCommand, free_text, print_json, print_table


def _shown(words: list[str]) -> str:
    """Words as a shell reads them back: `journal config set KEY` + this sets it again."""
    return shlex.join(words) if words else "(not set)"


def cmd_config_list(args: argparse.Namespace) -> int:
    from journal.core.settings import KEYS, SettingsFile

    store = SettingsFile()
    settings = store.load()
    if args.json:
        print_json(
            {
                "file": str(store.path),
                "settings": {name: settings[name] for name in KEYS},
                "unknown": dict(settings.unknown),
            },
            sys.stdout,
        )
        return 0
    rows = [("KEY", "VALUE")]
    rows += [(name, _shown(key.words(settings[name]))) for name, key in KEYS.items()]
    rows += [
        (name, f"{json.dumps(value, default=str)} (not used by this version; kept)")
        for name, value in settings.unknown.items()
    ]
    print_table(rows)
    where = "" if store.path.exists() else " (not written yet)"
    print(f"settings file: {store.path}{where}", file=sys.stderr)
    return 0


def cmd_config_get(args: argparse.Namespace) -> int:
    from journal.core.settings import SettingsFile, setting_key

    key = setting_key(args.key)
    value = SettingsFile().load()[args.key]
    if args.json:
        print_json(value, sys.stdout)
    else:
        for word in key.words(value):  # one per line, as a script reads them
            print(word)
    return 0


def cmd_config_set(args: argparse.Namespace) -> int:
    from journal.core.options import UnknownOptionError
    from journal.core.settings import SettingsFile, parse_setting, setting_key

    try:
        value = parse_setting(args.key, args.values, allow_unknown=args.allow_unknown_option)
    except UnknownOptionError as error:
        raise error.with_hint("Add --allow-unknown-option to save it anyway.") from None
    store = SettingsFile()
    settings = store.update({args.key: value})
    words = setting_key(args.key).words(settings[args.key])
    print(f"{args.key} = {_shown(words)} (saved in {store.path})", file=sys.stderr)
    return 0


def cmd_config_unset(args: argparse.Namespace) -> int:
    from journal.core.settings import SettingsFile, setting_key

    setting_key(args.key)  # an unknown name is refused, not quietly ignored
    store = SettingsFile()
    store.update({args.key: None})
    print(f"{args.key} unset (saved in {store.path})", file=sys.stderr)
    return 0


def _keys_help() -> str:
    from journal.core.settings import KEYS  # light: the option rules, no database, no client

    return "\n".join(["settings:", *(f"  {key.name:<20} {key.about}" for key in KEYS.values())])


def _choose_an_action(args: argparse.Namespace) -> int:
    from journal.core.errors import InvalidInputError

    raise InvalidInputError("Say what to do: journal config list | get | set | unset.")


def register(add: AddCommand) -> None:
    config = add(
        "config",
        _choose_an_action,
        "read and change the settings the window shares: Ollama hosts, default options",
        json_output=False,
    )
    config.formatter_class = argparse.RawDescriptionHelpFormatter
    config.epilog = _keys_help()
    actions = config.add_subparsers(
        dest="action", metavar="ACTION", required=True, help="what to do with the settings"
    )

    listing = actions.add_parser("list", help="every setting and its value")
    listing.add_argument("--json", action="store_true", help="print them as JSON")
    listing.set_defaults(handler=cmd_config_list)

    get = actions.add_parser("get", help="one setting's value, one item per line")
    get.add_argument("key", metavar="KEY", help="the setting, e.g. ollama.hosts")
    get.add_argument("--json", action="store_true", help="print it as JSON")
    get.set_defaults(handler=cmd_config_get)

    change = actions.add_parser(
        "set",
        help="change a setting, e.g. `set ollama.hosts URL...`, "
        "`set defaults.options temperature=0.2 seed=42`",
    )
    change.add_argument("key", metavar="KEY", help="the setting to change")
    change.add_argument(
        "values",
        nargs="+",
        type=free_text,
        metavar="VALUE",
        help="the new value (a list takes several); put -- before a value that starts with -",
    )
    change.add_argument(
        "--allow-unknown-option",
        action="store_true",
        help="save defaults.options keys Ollama does not know (it ignores them silently)",
    )
    change.set_defaults(handler=cmd_config_set)

    unset = actions.add_parser("unset", help="back to the default")
    unset.add_argument("key", metavar="KEY", help="the setting to reset")
    unset.set_defaults(handler=cmd_config_unset)
