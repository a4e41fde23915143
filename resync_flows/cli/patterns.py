"""``resync-flows patterns``: mine recurring message templates from a log file.

``patterns mine FILE --json`` prints one JSON object per input line, in order:
``{"line", "pattern_id", "template"}`` (the contract in architecture.md). Without ``--json``,
a table of the templates found with their counts. The file is streamed: any size, any bytes,
in memory bounded by the number of templates; ``-`` reads standard input the same way
(``tail -n 100000 app.log | resync-flows patterns mine - --json``). A named path that is not
a regular file (a FIFO, a device) is refused with exit status 1.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import typer

if TYPE_CHECKING:
    from resync_analytics.patterns.miner import PatternMiner
    from resync_analytics.patterns.stream import MinedLine

app = typer.Typer(help="Mine recurring message templates from logs.", no_args_is_help=True)


@app.command("mine")
def mine(
    file: Path = typer.Argument(
        ..., help="Log file, one message per line (any bytes; any size); - for stdin."
    ),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per input line."),
    top: int = typer.Option(30, "--top", min=1, help="Templates shown in the summary table."),
) -> None:
    """Group the lines of FILE into templates, with <*> for their variable parts."""
    from resync_analytics.patterns.miner import PatternMiner
    from resync_analytics.patterns.stream import mine_lines, read_messages

    miner = PatternMiner()
    # Standard input is read but not closed: it belongs to the process.
    source: AbstractContextManager[BinaryIO] = (
        nullcontext(sys.stdin.buffer) if str(file) == "-" else _open_file(file)
    )
    with source as handle:
        if as_json:
            _write_json_lines(mine_lines(read_messages(handle), miner))
            return
        total = sum(1 for _ in miner.add_all(read_messages(handle)))
    miner.compact()
    _print_summary(file, miner, total, top)


def _open_file(file: Path) -> BinaryIO:
    from resync_flows.cli.inputs import InputFileError, check_regular_file

    try:
        check_regular_file(file)
    except InputFileError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    try:
        return file.open("rb")
    except OSError as exc:
        typer.echo(f"error: cannot read {file}: {exc.strerror or exc.__class__.__name__}", err=True)
        raise typer.Exit(1) from exc


def _write_json_lines(mined: Iterable[MinedLine]) -> None:
    # Each template's JSON tail is encoded once; per line only the number is formatted.
    tails: dict[str, str] = {}
    write = sys.stdout.write
    for line, pattern in mined:
        tail = tails.get(pattern.pattern_id)
        if tail is None:
            tail = tails[pattern.pattern_id] = (
                f', "pattern_id": {json.dumps(pattern.pattern_id)}, '
                f'"template": {json.dumps(pattern.template)}}}\n'
            )
        write(f'{{"line": {line}{tail}')
    sys.stdout.flush()


def _print_summary(file: Path, miner: PatternMiner, total: int, top: int) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    patterns = miner.patterns()
    table = Table(
        title=f"{escape(str(file))}: {total} line(s), {len(patterns)} template(s)",
        title_justify="left",
    )
    table.add_column("count", justify="right")
    table.add_column("share", justify="right")
    table.add_column("pattern_id", style="dim")
    table.add_column("template", overflow="fold")
    for pattern in patterns[:top]:
        share = pattern.occurrences / total if total else 0.0
        table.add_row(
            str(pattern.occurrences), f"{share:.1%}", pattern.pattern_id, escape(pattern.template)
        )
    console = Console()
    console.print(table)
    if len(patterns) > top:
        console.print(f"… and {len(patterns) - top} more (--top to show more)")
