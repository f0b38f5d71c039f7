"""Command line: ``flask --app wsgi users …``, ``orgs …``, ``ledger …``, ``demo``."""

from __future__ import annotations

import secrets
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from app.accounts import organizations, password_reset, tokens
from app.accounts import services as accounts
from app.config import PROJECT_ROOT
from app.demo import load_demo
from app.exceptions import ServiceError
from app.ledger.cli import ledger_cli

users_cli = AppGroup(
    "users", help="Create, deactivate and reactivate accounts; API tokens; password-reset links."
)
orgs_cli = AppGroup("orgs", help="Manage organizations (vendors, publishers, enterprises).")
DEMO_CORPUS = PROJECT_ROOT / "app" / "demo" / "anhui_agi_action_plan_2023.txt"


def _fail(exc: ServiceError) -> None:
    raise click.ClickException(str(exc.message))


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True, help="At least 10 characters.")
@click.option(
    "--role",
    required=True,
    type=click.Choice(
        ["admin", "auditor", "vendor", "expert", "publisher", "enterprise", "city_official"]
    ),
)
@click.option("--name", default="", help="Display name (default: the part before the @).")
@click.option(
    "--org",
    "org_id",
    type=int,
    default=None,
    help="Organization id (vendors, publishers, enterprises, city officials).",
)
@click.option("--domains", default="", help="Comma-separated, e.g. 医疗,法律 (experts).")
def create_user_command(
    email: str, password: str, role: str, name: str, org_id: int | None, domains: str
) -> None:
    """Create an account."""
    try:
        user = accounts.create_user(
            email,
            password,
            role,
            name=name,
            organization_id=org_id,
            domains=[d.strip() for d in domains.replace("，", ",").split(",") if d.strip()],
        )
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"created user {user.id} <{user.email}> ({user.role})")


@users_cli.command("token")
@click.argument("email")
def token_command(email: str) -> None:
    """Print a new API token for EMAIL (shown once)."""
    try:
        click.echo(accounts.issue_api_token(email))
    except ServiceError as exc:
        _fail(exc)


@users_cli.command("deactivate")
@click.argument("email")
def deactivate_command(email: str) -> None:
    """Deactivate EMAIL: no more logins; its sessions and API tokens end at once."""
    try:
        user = accounts.deactivate_user(accounts.find_user(email).id, None)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"deactivated user {user.id} <{user.email}>")


@users_cli.command("reactivate")
@click.argument("email")
def reactivate_command(email: str) -> None:
    """Let EMAIL log in again (old sessions and tokens stay ended)."""
    try:
        user = accounts.reactivate_user(accounts.find_user(email).id, None)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"reactivated user {user.id} <{user.email}>")


@users_cli.command("revoke-tokens")
@click.argument("email")
def revoke_tokens_command(email: str) -> None:
    """Revoke every API token of EMAIL."""
    try:
        count = tokens.revoke_tokens_of(accounts.find_user(email).id, None)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"revoked {count} tokens")


@users_cli.command("reset-link")
@click.argument("email")
def reset_link_command(email: str) -> None:
    """Print the path of a one-time password-reset link for EMAIL (append it to the site's
    address)."""
    try:
        _user, secret = password_reset.issue_reset_link(accounts.find_user(email).id, None)
    except ServiceError as exc:
        _fail(exc)
    click.echo(f"/reset/{secret}")


@orgs_cli.command("create")
@click.option("--name", required=True)
@click.option("--uscc", required=True, help="统一社会信用代码 (GB 32100-2015).")
@click.option("--city", required=True, help="A city of Anhui, e.g. 合肥.")
@click.option(
    "--kind",
    default="vendor",
    type=click.Choice(["vendor", "publisher", "enterprise", "city_office"]),
)
@click.option("--department", default=None, help="The department of a publisher.")
def create_org_command(name: str, uscc: str, city: str, kind: str, department: str | None) -> None:
    """Create an organization (a vendor unless --kind says otherwise) and print its id."""
    try:
        org = organizations.create_organization(name, uscc, city, None, kind, department)
    except ServiceError as exc:
        _fail(exc)
    click.echo(org.id)


@click.command("demo")
def demo_command() -> None:
    """Load the demo: a vendor corpus, a classification project, demo accounts."""
    for line in load_demo(Path(DEMO_CORPUS), lambda: secrets.token_urlsafe(12)):
        click.echo(line)


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(users_cli)
    app.cli.add_command(orgs_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(ledger_cli)
