"""E-mail over SMTP with smtplib: STARTTLS and a login when configured (production relays), plain
on the loopback to the local sink. The notification id rides in the Message-ID, so a message
resent after a crash is recognisably the same one."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate

from services.notifications.domain.delivery import OutgoingMessage, PermanentFailure, TransientFailure


@dataclass(frozen=True)
class SmtpSettings:
    host: str = "127.0.0.1"
    port: int = 1025
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = 10.0
    domain: str = "ipt.local"  # the right-hand side of Message-IDs


class SmtpChannel:
    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def send(self, message: OutgoingMessage) -> None:
        email = EmailMessage()
        email["From"] = message.sender
        email["To"] = message.to
        email["Subject"] = message.subject
        email["Date"] = formatdate(localtime=False)
        email["Message-ID"] = f"<{message.idempotency_key}@{self.settings.domain}>"
        email.set_content(message.body)
        try:
            with smtplib.SMTP(self.settings.host, self.settings.port, timeout=self.settings.timeout) as smtp:
                if self.settings.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.settings.username:
                    smtp.login(self.settings.username, self.settings.password or "")
                smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused:
            raise PermanentFailure("smtp_recipient_refused") from None
        except smtplib.SMTPResponseException as error:
            # 4xx: try later; 5xx: the relay will never take it as it is.
            kind = TransientFailure if 400 <= error.smtp_code < 500 else PermanentFailure
            raise kind(f"smtp_{error.smtp_code}") from None
        except (smtplib.SMTPException, OSError) as error:
            raise TransientFailure(f"smtp_{error.__class__.__name__}") from None
