"""`journal hosts`: every Ollama host the journal would use, with its state, version and
models, asked in parallel so a dead host holds up no other.

Light to import like every command module: the core is imported inside the handler.
"""

from __future__ import annotations

import argparse
import sys

from journal.cli_support import AddCommand, given_hosts, print_json, print_table


def cmd_hosts(args: argparse.Namespace) -> int:
    from journal.core.formatting import plural
    from journal.core.hosts import HostState, choose_host_limits, probe_hosts

    hosts = choose_host_limits(given_hosts(args))
    reports = probe_hosts([host.address for host in hosts])
    if args.json:
        print_json(
            [
                {**report.record(), "limit": host.limit}
                for host, report in zip(hosts, reports, strict=True)
            ],
            sys.stdout,
        )
    else:
        rows = [("ADDRESS", "LIMIT", "STATE", "VERSION", "MODELS", "REASON")]
        for host, report in zip(hosts, reports, strict=True):
            up = report.state is HostState.UP
            rows.append(
                (
                    report.address,
                    str(host.limit),
                    report.state.value,
                    report.version or "-",
                    str(len(report.models)) if up else "-",
                    report.reason,
                )
            )
        print_table(rows)
        if args.verbose:
            for report in reports:
                if report.models:
                    print(f"\n{report.address}")
                    print_table([(f"  {m.name}", m.short_digest) for m in report.models])
    if any(report.state is HostState.UP for report in reports):
        return 0
    print(
        f"journal: error: no Ollama host answered ({plural(len(reports), 'host')} asked); "
        "start Ollama there, or name others with --host or `journal config set ollama.hosts`.",
        file=sys.stderr,
    )
    return 1


def register(add: AddCommand) -> None:
    hosts = add(
        "hosts",
        cmd_hosts,
        "list the Ollama hosts with their state, version and models",
        many_hosts=True,
    )
    hosts.add_argument(
        "-v", "--verbose", action="store_true", help="also list each host's models with digests"
    )
