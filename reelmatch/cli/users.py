"""`users add|list|delete|unlock|prune-sandboxes`."""

from __future__ import annotations

import sys

import click

from reelmatch.cli.context import AppContext, emit_json, emit_table, json_option, pass_app
from reelmatch.domain import to_data
from reelmatch.errors import InvalidInput


@click.group("users")
def users_group() -> None:
    """Accounts."""


@users_group.command("add")
@click.argument("username")
@click.option("--admin", is_flag=True, help="Give the account the admin role.")
@click.option("--email", default=None)
@click.option("--name", "display_name", default=None, help="Display name (default: username).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@json_option
@pass_app
def users_add(
    app: AppContext,
    username: str,
    admin: bool,
    email: str | None,
    display_name: str | None,
    password_stdin: bool,
    as_json: bool,
) -> None:
    """Create an account (asks for the password unless --password-stdin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if not password:
        raise InvalidInput("No password given.")
    user = app.services.users.create_user(
        username=username,
        password=password,
        email=email,
        display_name=display_name,
        role="admin" if admin else "user",
    )
    if as_json:
        emit_json(to_data(user))
    else:
        click.echo(f"Created {user.role} {user.username!r}.")


@users_group.command("list")
@json_option
@pass_app
def users_list(app: AppContext, as_json: bool) -> None:
    """List accounts."""
    users = app.services.users.list_users()
    if as_json:
        emit_json(to_data(users))
        return
    emit_table(
        ["username", "name", "role", "created"],
        [(u.username, u.display_name, u.role, u.created_at.date()) for u in users],
    )


@users_group.command("delete")
@click.argument("username")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def users_delete(app: AppContext, username: str, yes: bool) -> None:
    """Delete an account and all of its data."""
    user = app.user(username)
    if not yes:
        click.confirm(f"Delete {user.username!r} and all their data?", abort=True)
    app.services.users.delete_user(user)
    click.echo(f"Deleted {user.username!r} and all their data.")


@users_group.command("unlock")
@click.argument("username")
@pass_app
def users_unlock(app: AppContext, username: str) -> None:
    """Let a username locked by failed logins try again at once."""
    app.services.users.unlock(username)
    click.echo(f"{username.strip().lower()!r} may log in again.")


@users_group.command("prune-sandboxes")
@json_option
@pass_app
def users_prune_sandboxes(app: AppContext, as_json: bool) -> None:
    """Delete the demo sandboxes unused for 24 hours, with all their data (what the hourly
    prune_sandboxes job does)."""
    pruned = app.services.demo.prune()
    if as_json:
        emit_json({"pruned": pruned})
    else:
        click.echo(f"Deleted {pruned} idle demo account{'' if pruned == 1 else 's'}.")
