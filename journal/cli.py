"""Command-line tools: ``flask --app journal users create`` and ``flask --app journal demo``."""

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from journal import search
from journal.models import Role
from journal.services import accounts, demo, sharing
from journal.services.errors import AccountError

users = AppGroup("users", help="Manage accounts.")
search_group = AppGroup("search", help="The full-text search index.")


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(users)
    app.cli.add_command(demo_command)
    app.cli.add_command(search_group)
    app.cli.add_command(retally_command)


def _read_password() -> str:
    """Ask twice with hidden input, or read two lines when a password is piped in."""
    if not sys.stdin.isatty():
        first = sys.stdin.readline().rstrip("\r\n")
        second = sys.stdin.readline().rstrip("\r\n")
        if first != second:
            raise click.ClickException("The two passwords do not match.")
        return first
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@users.command("create")
@click.option("--username", required=True, help="Lower-case letters, numbers, . _ -")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
def create_user(username: str, role: str) -> None:
    """Create an account; the password is asked for twice (or read as two lines from stdin)."""
    password = _read_password()
    try:
        user = accounts.create_account(None, username, Role(role), password)
    except AccountError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Created {user.role.value} account '{user.username}'.")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Only load when the database has no accounts.")
def demo_command(if_empty: bool) -> None:
    """Load demo accounts and entries (running it again changes nothing) and print the log-ins."""
    if if_empty and accounts.list_users():
        click.echo("Accounts exist already: demo data not loaded.")
        return
    created = demo.load()
    click.echo(f"Demo data ready ({created} new accounts). Demo log-ins:")
    for username, role, password in demo.LOGINS:
        click.echo(f"  {role:<10} {username:<12} {password}")


@search_group.command("reindex")
def search_reindex() -> None:
    """Rebuild the search index from the database."""
    count = search.reindex()
    click.echo(f"Indexed {count} accepted share{'s' if count != 1 else ''}.")


@search_group.command("check")
def search_check() -> None:
    """Report any difference between the index and the database (exit code 1 if any)."""
    problems = search.check()
    if problems:
        for problem in problems:
            click.echo(problem)
        raise SystemExit(1)
    click.echo("The search index matches the database.")


@click.command("retally")
def retally_command() -> None:
    """Rebuild the tally behind small-number suppression from every writer's shares."""
    count = sharing.retally()
    click.echo(f"Tallied the shares of {count} writer{'s' if count != 1 else ''}.")
