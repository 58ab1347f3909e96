"""Signed approvals without a document set: keys refused where they must be, a PDF signed and validated by pyHanko
(one signature, and a second one over it), a changed byte found, and the control store's journal carrying binary
files through JSON."""
from __future__ import annotations

import datetime as dt
import io

import pikepdf
import pytest
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from generator.base.errors import UserError
from generator.base.workspace import Workspace
from generator.control import signing
from generator.control.signatures import reason
from generator.control.store import Journal

AT = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


def blank_pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.fixture
def person(monkeypatch):
    monkeypatch.setenv("SMSGEN_NOW", AT.isoformat())
    key = signing.new_key()
    cert = signing.make_certificate(signing.subject_name("Ann Archer", "Mini Freight Ltd", "ann@example.com"), key,
                                    3, False)
    return signing.Credentials("ann", key, cert)


def test_reason_states_function_document_revision_and_fingerprint():
    assert reason("Managing Director", "top_management", "MF-POL-01", "2", "ab" * 32) == \
        f"Approved as Managing Director (top_management): MF-POL-01 revision 2, content SHA-256 {'ab' * 32}"


def test_a_signed_pdf_validates_and_a_second_signature_goes_over_the_first(person):
    first = signing.sign_pdf(blank_pdf(), person, "Approval1", "Approved as A (a): X revision 1", AT)
    both = signing.sign_pdf(first, person, "Approval2", "Approved as B (b): X revision 1", AT)
    assert both.startswith(first)          # incremental: the first signed revision is kept byte for byte
    trust = [signing.der(person.certificate)]
    checked = signing.validate(both, trust)
    assert [(c.field, c.problems) for c in checked] == [("Approval1", []), ("Approval2", [])]
    assert {c.certificate for c in checked} == {person.sha}
    # and pyHanko's own API, as an auditor would call it, accepts both
    root = asn1_x509.Certificate.load(signing.der(person.certificate))
    context = ValidationContext(trust_roots=[root], allow_fetching=False, moment=AT)
    statuses = [validate_pdf_signature(s, context) for s in PdfFileReader(io.BytesIO(both)).embedded_signatures]
    assert all(s.bottom_line for s in statuses)
    assert statuses[-1].coverage == SignatureCoverageLevel.ENTIRE_FILE


def test_one_byte_changed_or_appended_is_found(person):
    signed = signing.sign_pdf(blank_pdf(), person, "Approval1", "r", AT)
    trust = [signing.der(person.certificate)]
    changed = bytearray(signed)
    changed[len(signed) // 4] ^= 0x01
    try:
        problems = [p for c in signing.validate(bytes(changed), trust) for p in c.problems]
    except ValueError:
        problems = ["unreadable"]
    assert problems
    appended = signing.validate(signed + b"\n% appended\n", trust)
    assert any("whole file" in p for p in appended[0].problems)
    other = signing.make_certificate(signing.subject_name("Eve", "Elsewhere"), signing.new_key(), 3, False)
    assert any("registered certificate" in p for p in signing.validate(signed, [signing.der(other)])[0].problems)


def test_keys_inside_the_workspace_and_empty_or_wrong_passphrases_are_refused(tmp_path, monkeypatch, person):
    ws = Workspace.at(tmp_path / "ws")
    ws.root.mkdir()
    with pytest.raises(UserError, match="inside the workspace"):
        signing.outside(ws, ws.root / "keys" / "ann.key", "the key file")
    monkeypatch.setenv("SMSGEN_KEY_PASSPHRASE", "")
    with pytest.raises(UserError, match="SMSGEN_KEY_PASSPHRASE is empty"):
        signing.passphrase("SMSGEN_KEY_PASSPHRASE")
    key_file = tmp_path / "keys" / "ann.key"
    signing.write_key(key_file, person.key, b"right")
    assert key_file.stat().st_mode & 0o077 == 0          # only its owner can read it
    with pytest.raises(UserError, match="never overwritten"):
        signing.write_key(key_file, person.key, b"right")
    monkeypatch.setenv("SMSGEN_KEY_PASSPHRASE", "wrong")
    with pytest.raises(UserError, match="wrong passphrase"):
        signing.load_key(ws, key_file, "SMSGEN_KEY_PASSPHRASE")
    monkeypatch.setenv("SMSGEN_KEY_PASSPHRASE", "right")
    assert signing.same_key(person.certificate, signing.load_key(ws, key_file, "SMSGEN_KEY_PASSPHRASE"))


def test_the_journal_carries_binary_files_and_refuses_paths_outside_their_folders():
    data = bytes(range(256)) * 4
    journal = Journal("sign", "2026-11-23T10:00:00+00:00", "register", 0, "0" * 64, "", {},
                      {"signed/MF-POL-01/1.pdf": data})
    assert Journal.from_json(journal.to_json()).files == {"signed/MF-POL-01/1.pdf": data}
    plain = Journal("approve", "t", "register", 0, "0" * 64, "", {"approved/X/1.md": "text"})
    assert '"files"' not in plain.to_json()        # an action writing no file journals as before
    for bad in ("../register.yml", "approved/X/1.pdf", "/etc/passwd"):
        forged = Journal("sign", "t", "r", 0, "0" * 64, "", {}, {bad: b"x"})
        with pytest.raises(ValueError, match="outside"):
            Journal.from_json(forged.to_json())
