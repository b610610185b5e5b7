"""Staff accounts (shared/users.py) and the `ipt user` command, with the in-memory store."""

from __future__ import annotations

import argparse
import io
import json
from datetime import timedelta

import pytest

from shared import cli_users
from shared.auth import Principal
from shared.users import InMemoryUserStore, UnknownUser, UserError, UserExists, identity_database
from tests.unit.intake_ui.conftest import Clock

PASSWORD = "a long enough password"


@pytest.fixture
def store(clock: Clock) -> InMemoryUserStore:
    return InMemoryUserStore(clock=clock)


def test_an_account_verifies_with_its_password_only(store, clock):
    store.add("Nurse.Kim", "intake", PASSWORD)
    assert store.verify("nurse.kim", PASSWORD) == Principal("nurse.kim", "intake")
    assert store.verify(" NURSE.KIM ", PASSWORD) == Principal("nurse.kim", "intake")
    assert store.verify("nurse.kim", PASSWORD.upper()) is None
    assert store.verify("nurse.kim", "") is None
    assert store.verify("nobody", PASSWORD) is None
    assert store.get("nurse.kim")["last_login"] == clock.now


def test_passwords_are_only_stored_hashed_and_never_listed(store):
    store.add("kim", "clinician", PASSWORD)
    stored = store.users["kim"]["password_hash"]
    assert PASSWORD not in stored and stored.startswith("pbkdf2:")
    [listed] = store.list()
    assert "password_hash" not in listed and PASSWORD not in json.dumps(listed, default=str)
    assert listed["username"] == "kim" and listed["role"] == "clinician" and listed["disabled"] is False


def test_the_mongo_store_hashes_with_scrypt_by_default():
    from shared.users import HASH_METHOD

    assert HASH_METHOD == "scrypt"


@pytest.mark.parametrize(
    "username, role, password, problem",
    [
        ("kim", "intake", "short", "at least 10 characters"),
        ("kim", "receptionist", PASSWORD, "role must be one of"),
        ("k", "intake", PASSWORD, "username"),
        ("kim smith", "intake", PASSWORD, "username"),
    ],
)
def test_bad_accounts_are_refused_in_words(store, username, role, password, problem):
    with pytest.raises(UserError, match=problem):
        store.add(username, role, password)
    assert store.list() == []


def test_usernames_are_unique_whatever_their_case(store):
    store.add("kim", "intake", PASSWORD)
    with pytest.raises(UserExists):
        store.add("KIM", "clinician", PASSWORD)


def test_failures_in_a_row_slow_the_account_down_for_a_minute_at_most(store, clock):
    store.add("kim", "intake", PASSWORD)
    for _ in range(4):
        assert store.verify("kim", "wrong password") is None
    assert store.verify("kim", PASSWORD) is not None, "a success resets the count"
    for _ in range(30):
        assert store.verify("kim", "wrong password") is None
    assert store.verify("kim", PASSWORD) is None, "unheard while the delay runs"
    assert "locked_until" not in store.get("kim")
    clock.now += timedelta(minutes=1)
    assert store.verify("kim", PASSWORD) == Principal("kim", "intake")


def test_a_disabled_account_cannot_sign_in(store):
    store.add("kim", "intake", PASSWORD)
    store.disable("kim")
    assert store.verify("kim", PASSWORD) is None
    assert not store.is_active("kim", "intake")
    with pytest.raises(UnknownUser):
        store.disable("nobody")


def test_is_active_needs_the_same_role(store):
    store.add("kim", "intake", PASSWORD)
    assert store.is_active("kim", "intake") and not store.is_active("kim", "clinician")


def test_the_identity_database_is_named_by_the_prefix():
    assert (
        identity_database({"MONGO_URI": "mongodb://127.0.0.1:1/", "MONGO_DB_PREFIX": "e2eabc"}).name
        == "e2eabc_identity"
    )
    assert identity_database({"MONGO_URI": "mongodb://127.0.0.1:1/"}).name == "ipt_identity"


# -- the `ipt user` command -----------------------------------------------------------------------
def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="ipt")
    commands = parser.add_subparsers(dest="command", required=True)
    cli_users.register(commands)
    args = parser.parse_args(argv)
    return args.run(args)


@pytest.fixture
def cli_store(monkeypatch) -> InMemoryUserStore:
    store = InMemoryUserStore()
    monkeypatch.setattr(cli_users, "_store", lambda: store)
    monkeypatch.delenv(cli_users.PASSWORD_ENV, raising=False)
    return store


def test_user_add_reads_the_password_from_the_environment(cli_store, monkeypatch, capsys):
    monkeypatch.setenv("IPT_PASSWORD", PASSWORD)
    assert run(["user", "add", "--username", "kim", "--role", "intake"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out)["username"] == "kim" and PASSWORD not in out
    assert cli_store.verify("kim", PASSWORD) is not None


def test_user_add_reads_the_password_from_stdin(cli_store, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert run(["user", "add", "--username", "kim", "--role", "clinician", "--password-stdin"]) == 0
    assert cli_store.verify("kim", PASSWORD) == Principal("kim", "clinician")


def test_user_add_prompts_twice_and_refuses_a_mismatch(cli_store, monkeypatch, capsys):
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert run(["user", "add", "--username", "kim", "--role", "intake"]) == 1
    assert "differ" in capsys.readouterr().err
    assert cli_store.list() == []
    answers = iter([PASSWORD, PASSWORD])
    assert run(["user", "add", "--username", "kim", "--role", "intake"]) == 0


def test_user_add_reports_a_short_password(cli_store, monkeypatch, capsys):
    monkeypatch.setenv("IPT_PASSWORD", "short")
    assert run(["user", "add", "--username", "kim", "--role", "intake"]) == 1
    assert "at least 10 characters" in capsys.readouterr().err


def test_user_list_and_disable(cli_store, capsys):
    cli_store.add("kim", "intake", PASSWORD)
    assert run(["user", "disable", "--username", "kim"]) == 0
    assert run(["user", "disable", "--username", "nobody"]) == 1
    capsys.readouterr()
    assert run(["user", "list"]) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert json.loads(line)["disabled"] is True and "password" not in line
