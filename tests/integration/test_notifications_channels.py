"""The real channels against the local stand-ins the platform runs: SMTP into the aiosmtpd Maildir
sink, and the Twilio-shaped SMS stand-in (its outage switch, its idempotency)."""

from __future__ import annotations

import mailbox
import sys
from pathlib import Path

import pytest
import requests

from services.notifications.adapters.email import SmtpChannel, SmtpSettings
from services.notifications.adapters.sms import HttpSmsChannel, SmsSettings
from services.notifications.domain.delivery import OutgoingMessage, PermanentFailure, TransientFailure
from tests.support.infra import ManagedProcess, base_env, free_port, wait_for


def message(key: str = "key-1", to: str = "+15550100") -> OutgoingMessage:
    return OutgoingMessage(key, to, "IPT Centre <appointments@ipt.local>", "Your appointment", "Hi Alex, a reminder.")


@pytest.fixture
def mail_sink(tmp_path: Path):
    port, folder = free_port(), tmp_path / "mail"
    command = [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox"]
    sink = ManagedProcess("mail-sink", [*command, str(folder)], base_env(), port, start_timeout=30)
    sink.start()
    yield port, folder
    sink.stop()


@pytest.fixture
def sms_standin(tmp_path: Path):
    port, folder = free_port(), tmp_path / "sms"
    command = [sys.executable, "-m", "services.notifications.standin.sms", "--port", str(port), "--store", str(folder)]
    standin = ManagedProcess("sms-standin", command, base_env(), port, start_timeout=30)
    standin.start()
    yield f"http://127.0.0.1:{port}", folder
    standin.stop()


def test_email_lands_in_the_maildir_with_the_idempotency_key_as_message_id(mail_sink):
    port, folder = mail_sink
    SmtpChannel(SmtpSettings(port=port)).send(message(to="dr-lee@staff.example.org"))
    received = wait_for(lambda: list(mailbox.Maildir(folder)), 10, "the e-mail in the Maildir")
    [mail] = received
    assert mail["To"] == "dr-lee@staff.example.org" and mail["Message-ID"] == "<key-1@ipt.local>"
    assert mail.get_payload().strip() == "Hi Alex, a reminder."


def test_an_unreachable_relay_is_a_passing_fault():
    with pytest.raises(TransientFailure):
        SmtpChannel(SmtpSettings(port=free_port(), timeout=2)).send(message())


def test_sms_is_stored_once_per_idempotency_key(sms_standin):
    url, folder = sms_standin
    channel = HttpSmsChannel(SmsSettings(api_url=url))
    channel.send(message())
    channel.send(message())  # sent again after a crash: the same message at the provider
    stored = requests.get(f"{url}/_standin/messages", timeout=5).json()
    assert [(m["to"], m["body"], m["idempotency_token"]) for m in stored] == [
        ("+15550100", "Hi Alex, a reminder.", "key-1")
    ]
    assert len(list(folder.glob("SM*.json"))) == 1 and (folder / "repeats.jsonl").read_text().count("key-1") == 1


def test_an_sms_outage_is_a_passing_fault_and_a_refusal_is_not(sms_standin):
    url, _folder = sms_standin
    channel = HttpSmsChannel(SmsSettings(api_url=url))
    assert requests.put(f"{url}/_standin/outage", json={"status": 503}, timeout=5).ok
    with pytest.raises(TransientFailure, match="503"):
        channel.send(message())
    requests.delete(f"{url}/_standin/outage", timeout=5)
    with pytest.raises(PermanentFailure, match="400"):
        channel.send(message(to=""))
    channel.send(message("key-2"))
    assert [m["idempotency_token"] for m in requests.get(f"{url}/_standin/messages", timeout=5).json()] == ["key-2"]


def test_a_provider_that_is_not_there_is_a_passing_fault():
    with pytest.raises(TransientFailure):
        HttpSmsChannel(SmsSettings(api_url=f"http://127.0.0.1:{free_port()}", timeout=2)).send(message())
