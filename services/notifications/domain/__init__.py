"""The notifications domain: client reminders and clinical alerts. No framework imports here."""
