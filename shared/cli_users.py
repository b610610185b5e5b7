"""`ipt user ...`: staff accounts for the web UIs (add, list, disable, reset-2fa).

The password never appears on the command line (where `ps` and shell history would keep it):
it comes from IPT_PASSWORD, from standard input with --password-stdin, or from a prompt.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from shared.roles import ROLES

if TYPE_CHECKING:
    from shared.users import UserStore


# Not a finding (bandit B105): the name of the variable to read, not a password
PASSWORD_ENV = "IPT_PASSWORD"  # nosec B105


def _database_errors(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """A database that cannot be reached is one line on stderr and exit code 2, not a traceback."""

    def guarded(args: argparse.Namespace) -> int:
        from pymongo.errors import PyMongoError

        try:
            return run(args)
        except PyMongoError as error:
            print(
                f"ipt user: the identity database is unavailable ({error.__class__.__name__}); check MONGO_URI",
                file=sys.stderr,
            )
            return 2

    return guarded


def register(commands: Any) -> None:
    """Adds the `user` subcommand to the `ipt` argparse subparsers object."""
    user = commands.add_parser("user", help="staff accounts for the web UIs")
    actions = user.add_subparsers(dest="action", required=True)

    add = actions.add_parser("add", help="create an account (password from IPT_PASSWORD, stdin or a prompt)")
    add.add_argument("--username", required=True)
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from the first line of standard input"
    )
    add.set_defaults(run=_database_errors(_add))

    listing = actions.add_parser(
        "list", help="list accounts (never their passwords), with whether two-step sign-in is on"
    )
    listing.set_defaults(run=_database_errors(_list))

    disable = actions.add_parser("disable", help="disable an account and end its sessions at once")
    disable.add_argument("--username", required=True)
    disable.set_defaults(run=_database_errors(_disable))

    reset = actions.add_parser(
        "reset-2fa", help="turn two-step sign-in off (a lost phone) and end the sessions; the owner sets it up again"
    )
    reset.add_argument("--username", required=True)
    reset.set_defaults(run=_database_errors(_reset_two_factor))


def _store() -> UserStore:
    from shared.users import UserStore, identity_database

    return UserStore(identity_database(dict(os.environ)))


def read_password(args: argparse.Namespace) -> str:
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat the password: ") != first:
        raise ValueError("The two passwords differ.")
    return first


def _add(args: argparse.Namespace) -> int:
    from shared.users import UserError

    try:
        password = read_password(args)
        user = _store().add(args.username, args.role, password)
    except (UserError, ValueError) as error:
        print(f"ipt user add: {error}", file=sys.stderr)
        return 1
    print(json.dumps(user, default=str))
    return 0


def _list(_args: argparse.Namespace) -> int:
    for user in _store().list():
        print(json.dumps(user, default=str))
    return 0


def _disable(args: argparse.Namespace) -> int:
    from shared.users import UnknownUser

    try:
        ended = _store().disable(args.username)
    except UnknownUser as error:
        print(f"ipt user disable: {error}", file=sys.stderr)
        return 1
    print(json.dumps({"username": args.username.strip().casefold(), "disabled": True, "sessions_ended": ended}))
    return 0


def _reset_two_factor(args: argparse.Namespace) -> int:
    from shared.users import UnknownUser

    try:
        was_on = _store().reset_two_factor(args.username)
    except UnknownUser as error:
        print(f"ipt user reset-2fa: {error}", file=sys.stderr)
        return 1
    print(json.dumps({"username": args.username.strip().casefold(), "two_factor": False, "was_on": was_on}))
    return 0
