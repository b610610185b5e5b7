"""The outcomes domain: measurement-based care. No framework imports here."""
