"""SMS through an HTTP API shaped like Twilio's Messages resource:
`POST {base}/2010-04-01/Accounts/{account}/Messages.json` with form fields To, From and Body,
HTTP basic auth (account, token), and the notification id as `I-Twilio-Idempotency-Token`, so the
provider takes a resend after a crash as the same message. Locally the stand-in server
(`services/notifications/standin/sms.py`) answers in its place."""

from __future__ import annotations

import base64
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from services.notifications.domain.delivery import OutgoingMessage, PermanentFailure, TransientFailure

IDEMPOTENCY_HEADER = "I-Twilio-Idempotency-Token"


@dataclass(frozen=True)
class SmsSettings:
    api_url: str = "http://127.0.0.1:8025"
    account: str = "AClocal"
    token: str = "local"
    timeout: float = 10.0


class HttpSmsChannel:
    def __init__(self, settings: SmsSettings) -> None:
        self.settings = settings

    @property
    def endpoint(self) -> str:
        account = urllib.parse.quote(self.settings.account, safe="")
        return f"{self.settings.api_url.rstrip('/')}/2010-04-01/Accounts/{account}/Messages.json"

    def send(self, message: OutgoingMessage) -> None:
        form = urllib.parse.urlencode({"To": message.to, "From": message.sender, "Body": message.body}).encode()
        credentials = base64.b64encode(f"{self.settings.account}:{self.settings.token}".encode()).decode()
        request = urllib.request.Request(
            self.endpoint,
            data=form,
            method="POST",
            headers={
                "Authorization": f"Basic {credentials}",
                "Content-Type": "application/x-www-form-urlencoded",
                IDEMPOTENCY_HEADER: message.idempotency_key,
            },
        )
        try:
            # Not a finding (bandit B310): the URL's scheme is http(s), checked when the settings are read (settings.py)
            with urllib.request.urlopen(request, timeout=self.settings.timeout) as response:  # nosec B310
                response.read()
        except urllib.error.HTTPError as error:
            # Too many requests and server errors pass; any other refusal will not.
            kind = TransientFailure if error.code == 429 or error.code >= 500 else PermanentFailure
            raise kind(f"sms_http_{error.code}") from None
        except (urllib.error.URLError, OSError) as error:
            raise TransientFailure(f"sms_{error.__class__.__name__}") from None
