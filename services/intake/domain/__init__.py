"""The intake domain: referred clients, screenings, risk and admission. No framework imports here."""
