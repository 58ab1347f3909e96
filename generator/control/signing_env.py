"""The environment variables a signer's key and passphrases are read from. Kept apart from the signing code so that
the command line can name them in its help without loading a cryptography library."""
from __future__ import annotations

# the passphrases of a person's key and of the CA's key, and the signing key's file
PASSPHRASE_ENV, CA_PASSPHRASE_ENV, KEY_ENV = "SMSGEN_KEY_PASSPHRASE", "SMSGEN_CA_PASSPHRASE", "SMSGEN_SIGNING_KEY"
