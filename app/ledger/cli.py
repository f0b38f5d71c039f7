"""``flask ledger verify --head FILE`` and ``flask ledger sign-head``."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.ledger import log
from app.ledger.verification import verify_log
from app.signing import platform_signing_key

ledger_cli = AppGroup("ledger", help="Verify the ledger and sign tree heads.")


@ledger_cli.command("verify")
@click.option(
    "--head",
    "head_file",
    type=click.Path(exists=True, dir_okay=False),
    help="A signed tree head stored outside the platform (JSON).",
)
def verify_command(head_file: str | None) -> None:
    """Replay the whole log; with --head, prove it extends that head. Exit 1 on a problem."""
    head = json.loads(Path(head_file).read_text(encoding="utf-8")) if head_file else None
    key = platform_signing_key(current_app.config).public_key() if head is not None else None
    report = verify_log(head, key)
    if not report.ok:
        where = f"seq {report.first_bad_seq}: " if report.first_bad_seq else ""
        raise click.ClickException(
            f"ledger NOT intact after {report.entries} entries: {where}{report.problem}"
        )
    against = f", and it extends the head of {head['tree_size']}" if head else ""
    click.echo(f"ledger intact: {report.entries} entries{against}")


@ledger_cli.command("sign-head")
def sign_head_command() -> None:
    """Sign a tree head of the log as it is now and print it (JSON)."""
    head = log.sign_current_head(None)
    click.echo(json.dumps(head.as_json()))
