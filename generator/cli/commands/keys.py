"""Signed approvals: `smsgen keys ca|create|list` (the organisation's CA and each approver's key and certificate) and
`smsgen sign` (sign one's own approvals). The rules are in generator/control/signing.py; the rendering of what is
signed in generator/publish/signed.py."""
from __future__ import annotations

import argparse

from generator.base.errors import UserError
from generator.base.findings import EXIT_OK, Finding, Severity
from generator.base.workspace import Workspace
from generator.cli.commands.control import assessed
from generator.control import signing
from generator.control.delegation import unknown_person
from generator.control.signatures import CA
from generator.control.store import Store
from generator.model.load import load
from generator.model.organisation import Organisation
from generator.publish.signed import require_on, sign_approvals


def _organisation(ws: Workspace) -> Organisation:
    """The data, validated (no rendering: a key needs names only)."""
    org, findings, _ = load(ws)
    if org is None or findings.fatal:
        raise UserError([f for f in findings if f.severity >= Severity.error])
    return org


def ca_command(ws: Workspace, args: argparse.Namespace) -> int:
    org = _organisation(ws)
    key_file = signing.outside(ws, args.key, "the key file")
    secret = signing.passphrase(args.passphrase_env)
    with Store(ws).transaction("certificate") as txn:
        lines = signing.create_ca(txn, org, key_file, secret, args.replace)
    print("\n".join(lines))
    return EXIT_OK


def create_command(ws: Workspace, args: argparse.Namespace) -> int:
    org = _organisation(ws)
    if args.person not in org.person:
        raise UserError(unknown_person(org, args.person))
    if args.person == CA:
        raise UserError(Finding("control.refused", Severity.fatal, f"'{CA}' names the organisation's CA certificate",
                                hint="a person with this id cannot hold a key; `smsgen keys ca` makes the CA's"))
    key_file = signing.outside(ws, args.key, "the key file")
    secret = signing.passphrase(args.passphrase_env)
    # the CA's key and its passphrase are checked before anything is made
    issuer = signing.organisation_ca(ws, args.ca_key, args.ca_passphrase_env) if args.ca_key else None
    with Store(ws).transaction("certificate") as txn:
        lines = signing.create_person(txn, org, args.person, key_file, secret, args.replace, issuer)
    print("\n".join(lines))
    return EXIT_OK


def list_command(ws: Workspace, args: argparse.Namespace) -> int:
    lines = signing.describe(ws)
    print("\n".join(lines) if lines else "no certificate registered (smsgen keys ca, smsgen keys create PERSON)")
    return EXIT_OK


def sign_command(ws: Workspace, args: argparse.Namespace) -> int:
    if not args.ids and not args.all:
        raise UserError(Finding("control.refused", Severity.fatal, "name the documents to sign, or use --all",
                                hint="smsgen sign ID ... --by PERSON --key FILE"))
    outcome = assessed(ws)
    assert outcome.org is not None
    require_on(outcome.org)
    if args.by not in outcome.org.person:
        raise UserError(unknown_person(outcome.org, args.by))
    who = signing.credentials(ws, args.by, args.key, args.passphrase_env)
    lines = sign_approvals(ws, outcome, who, args.ids, args.all)
    print("\n".join(lines))
    return EXIT_OK
