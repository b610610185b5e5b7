"""The sessions domain: treatment episodes and the IPT course. No framework imports here."""
