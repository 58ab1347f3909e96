"""`smsgen change-request open|list|show|cancel`: change requests (generator/control/change_requests.py). Opening and
cancelling are transactions of the control store, like every action that changes the control records; the documents
of a request move through the lifecycle with `revise|submit|approve|reject --change-request CR`."""
from __future__ import annotations

import argparse
from pathlib import Path

from generator.base.findings import EXIT_OK
from generator.base.workspace import Workspace
from generator.cli.commands.control import assessed
from generator.control import change_requests
from generator.control.change_requests import Given, Request
from generator.control.register import load_register
from generator.control.store import Store


def open_command(ws: Workspace, args: argparse.Namespace) -> int:
    outcome = assessed(ws)
    assert outcome.org is not None
    request = Request()
    if args.from_file:
        request = change_requests.from_file(Path(args.from_file), args.from_file)
    for name in (*change_requests.TEXT_FIELDS, *change_requests.LIST_FIELDS):
        value = getattr(args, name)
        if value is not None:       # an option given on the command line takes precedence over the file
            request.values[name] = Given(value, name=change_requests.option(name))
    with Store(ws).transaction("change-request") as txn:
        cr, entry = change_requests.open_request(txn.register, outcome.org, outcome.documents, args.by, request)
        txn.commit([entry])
    print(f"{cr.id} opened: {cr.title} ({len(cr.documents)} document(s): {', '.join(cr.documents)})")
    print(f"next: smsgen revise --change-request {cr.id} --by PERSON [--change TEXT]")
    return EXIT_OK


def cancel_command(ws: Workspace, args: argparse.Namespace) -> int:
    outcome = assessed(ws)
    assert outcome.org is not None
    with Store(ws).transaction("change-request-cancel") as txn:
        cr, entry = change_requests.cancel(txn.register, outcome.org, args.id, args.by, args.reason)
        txn.commit([entry])
    print(f"{cr.id} cancelled: its revisions stay as they are (see `smsgen change-request show {cr.id}`)")
    return EXIT_OK


def list_command(ws: Workspace, args: argparse.Namespace) -> int:
    register = load_register(ws.register_file, ws.display(ws.register_file))
    for cr in register.change_requests:
        print(change_requests.summary(cr))
    print(f"{len(register.change_requests)} change request(s)")
    return EXIT_OK


def show_command(ws: Workspace, args: argparse.Namespace) -> int:
    outcome = assessed(ws)
    assert outcome.org is not None and outcome.register is not None
    cr = change_requests.known(outcome.register, args.id)
    for line in change_requests.details(cr, outcome.register, outcome.org):
        print(line)
    return EXIT_OK
