"""Signed approvals on the mini organisation, through the commands: keys (an organisation CA, a CA-issued and a
self-signed certificate), the first issue approved and signed, the signed PDFs in dist/ and in the Stage 1 pack,
pyHanko accepting every signature, and what `verify` and `verify-pack` catch; refusals that write nothing; the
`required` switch; and a set without signatures as before."""
from __future__ import annotations

import hashlib
import io
import json
import shutil
import time
import zipfile
from pathlib import Path

import pytest
import yaml
from asn1crypto import pem as asn1_pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from generator.base.workspace import Workspace
from generator.checks.assess import assess as run
from generator.control.register import load_register
from generator.control.store import Store
from generator.publish.export.page import read_page

from ..conftest import MINI, copy_workspace, delegate_mini_approvals, smsgen

pytestmark = pytest.mark.integration

APPROVED_ON = "2026-11-23T10:00:00+00:00"
PASSPHRASES = {"ann": "ann passphrase", "bob": "bob passphrase", "ca": "ca passphrase"}
TIMINGS: dict[str, float] = {}


def with_signatures(ws: Workspace, switch: str) -> None:
    path = ws.data_dir / "documents.yml"
    text = path.read_text().replace("\nsignatures: optional\n", "\n")
    path.write_text(text + f"\nsignatures: {switch}\n")


def as_(mp: pytest.MonkeyPatch, person: str) -> None:
    mp.setenv("SMSGEN_KEY_PASSPHRASE", PASSPHRASES[person])


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("keys")     # outside every workspace


@pytest.fixture(scope="module")
def signed_mini(tmp_path_factory, keys):
    """The mini set with `signatures: optional`: an organisation CA; Ann's certificate issued by it, Bob's
    self-signed; submitted by the guard, approved under delegations, Ann signing as she approves (`approve --sign`),
    Bob signing afterwards (`sign --all`); then the Stage 1 pack (which builds the PDFs)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("SMSGEN_NOW", APPROVED_ON)
    mp.setenv("SMSGEN_CA_PASSPHRASE", PASSPHRASES["ca"])
    ws = copy_workspace(tmp_path_factory.mktemp("signed") / "mini", MINI)
    with_signatures(ws, "optional")
    as_(mp, "ca")
    assert smsgen(ws, "keys", "ca", "--key", str(keys / "ca.key")) == 0
    as_(mp, "ann")
    assert smsgen(ws, "keys", "create", "ann", "--key", str(keys / "ann.key"), "--ca-key", str(keys / "ca.key"),
                  "--ca-passphrase-env", "SMSGEN_CA_PASSPHRASE") == 0
    as_(mp, "bob")
    assert smsgen(ws, "keys", "create", "bob", "--key", str(keys / "bob.key")) == 0
    assert smsgen(ws, "submit", "--all", "--by", "cal") == 0
    delegate_mini_approvals(ws)
    as_(mp, "ann")
    assert smsgen(ws, "approve", "--all", "--by", "ann", "--sign", "--key", str(keys / "ann.key")) == 0
    as_(mp, "bob")
    assert smsgen(ws, "approve", "--all", "--by", "bob") == 0
    mp.setenv("SMSGEN_SIGNING_KEY", str(keys / "bob.key"))      # the key file from the environment
    started = time.perf_counter()
    assert smsgen(ws, "sign", "--all", "--by", "bob") == 0
    TIMINGS["sign --all (bob)"] = time.perf_counter() - started
    mp.delenv("SMSGEN_SIGNING_KEY")
    assert smsgen(ws, "pack", "stage1") == 0
    mp.undo()
    return ws


@pytest.fixture
def ws(signed_mini, tmp_path, monkeypatch):
    monkeypatch.setenv("SMSGEN_NOW", "2026-11-25T10:00:00+00:00")
    return Workspace.at(shutil.copytree(signed_mini.root, tmp_path / "mini", symlinks=True))


def pack_of(ws: Workspace) -> Path:
    return next(ws.dist_dir.glob("*-stage1-*.zip"))


def certificates(ws: Workspace) -> list[asn1_x509.Certificate]:
    return [asn1_x509.Certificate.load(asn1_pem.unarmor(p.read_bytes())[2])
            for p in sorted((ws.control_dir / "certificates").glob("*.pem"))]


def pyhanko_statuses(data: bytes, trust: list[asn1_x509.Certificate]):
    context = ValidationContext(trust_roots=trust, allow_fetching=False)
    return [(sig, validate_pdf_signature(sig, context)) for sig in PdfFileReader(io.BytesIO(data)).embedded_signatures]


def control_files(ws: Workspace) -> dict[str, bytes]:
    return {str(p.relative_to(ws.control_dir)): p.read_bytes() for p in sorted(ws.control_dir.rglob("*"))
            if p.is_file() and p.name != ".lock"}


def test_every_approved_pdf_carries_a_valid_signature_per_approval_stating_its_meaning(signed_mini, capsys):
    ws = signed_mini
    outcome = run(ws)
    register = load_register(ws.register_file, "r")
    trust = certificates(ws)
    names = {p.id: p.name for p in outcome.org.people}
    assert len(outcome.documents) > 50
    for doc in outcome.documents:
        rev = register.documents[doc.id].current
        assert rev.status == "approved" and [s.by for s in rev.signatures] == [rev.approver]
        data = (ws.control_dir / "signed" / doc.id / f"{rev.revision}.pdf").read_bytes()
        assert hashlib.sha256(data).hexdigest() == rev.signatures[0].pdf_sha256
        [(sig, status)] = pyhanko_statuses(data, trust)
        assert status.bottom_line and status.intact and status.valid and status.trusted, doc.id
        assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        assert str(sig.sig_object["/Reason"]) == (
            f"Approved as {doc.approver.title} ({doc.approver_function}): {doc.id} revision {rev.revision}, "
            f"content SHA-256 {rev.fingerprint}")
        assert status.signing_cert.subject.native["common_name"] == names[rev.approver]
    # the signed PDF says it is signed, as the page's control block does
    page = read_page(ws.docs_dir / outcome.documents[0].docs_path)
    assert page.control["signature"].startswith("digitally signed by")
    capsys.readouterr()
    assert smsgen(ws, "verify") == 0
    assert "every approved snapshot matches its fingerprint" in capsys.readouterr().out


def test_the_dist_pdf_and_the_packs_pdf_are_the_signed_ones(signed_mini):
    ws = signed_mini
    register = load_register(ws.register_file, "r")
    with zipfile.ZipFile(pack_of(ws)) as pack:
        manifest = json.loads(pack.read("manifest.json"))
        listed = {f["file"]: f for f in manifest["files"]}
        readme = pack.read("README.txt").decode()
        names = pack.namelist()
        for doc_id, entry in register.documents.items():
            signed = (ws.control_dir / "signed" / doc_id / "1.pdf").read_bytes()
            assert (ws.dist_dir / "pdf" / f"{doc_id}.pdf").read_bytes() == signed, doc_id
            name = f"documents/pdf/{doc_id}.pdf"
            if name in listed:      # restricted documents are withheld from the pack
                assert pack.read(name) == signed
                [sig] = listed[name]["signatures"]
                assert (sig["signer"], sig["function"], sig["certificate_sha256"]) == \
                    (entry.current.approver, entry.current.signatures[0].function,
                     entry.current.signatures[0].certificate_sha256)
                assert sig["reason"].endswith(f"{doc_id} revision 1, content SHA-256 {entry.current.fingerprint}")
    assert {"signatures/certificates/ca.pem", "signatures/certificates/ann.pem",
            "signatures/certificates/bob.pem"} <= set(names)
    assert "cannot keep their signatures" in readme
    # the control block of the PDF and the page says it is signed
    page = next((ws.docs_dir).rglob("MF-WI-07*.md")).read_text()
    assert "digitally signed by Ann Archer, certificate SHA-256" in page


def test_one_byte_changed_in_a_signed_pdf_fails_verify_pack_even_with_the_manifest_rehashed(ws, tmp_path, capsys):
    original = pack_of(ws)
    assert smsgen(ws, "verify-pack", str(original)) == 0
    with zipfile.ZipFile(original) as pack:
        files = {name: pack.read(name) for name in pack.namelist()}
    target = "documents/pdf/MF-WI-07.pdf"
    data = bytearray(files[target])
    data[len(data) // 3] ^= 0x01
    files[target] = bytes(data)
    manifest = json.loads(files["manifest.json"])
    for entry in manifest["files"]:             # the forger recomputes the hash and size
        if entry["file"] == target:
            entry["sha256"], entry["size"] = hashlib.sha256(data).hexdigest(), len(data)
    files["manifest.json"] = json.dumps(manifest, indent=2).encode()
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(forged, "w") as out:
        for name, content in files.items():
            out.writestr(name, content)
    capsys.readouterr()
    assert smsgen(ws, "verify-pack", str(forged)) == 1
    err = capsys.readouterr().err
    assert f"{target}: signature Approval1" in err and "Traceback" not in err
    blamed = [line for line in err.splitlines() if line.startswith(f"{forged}: ")]
    assert blamed and all(line.startswith(f"{forged}: {target}: ") for line in blamed)   # no other file is blamed


def test_verify_catches_a_swapped_certificate_and_a_modified_signed_pdf(ws, capsys):
    certs = ws.control_dir / "certificates"
    shutil.copy(certs / "bob.pem", certs / "ann.pem")
    capsys.readouterr()
    assert smsgen(ws, "verify") == 1
    err = capsys.readouterr().err
    assert "control/certificates/ann.pem is not the certificate registered for ann" in err
    path = ws.control_dir / "signed" / "MF-WI-07" / "1.pdf"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    assert smsgen(ws, "verify") == 1
    err = capsys.readouterr().err
    assert "MF-WI-07 revision 1: the signed PDF is not the file the register records" in err
    assert "MF-WI-07 revision 1: signature Approval1 by ann" in err and "Traceback" not in err
    # a controlled build no longer uses it: that output is rendered again, unsigned
    assert smsgen(ws, "build", "--controlled", "--no-site", "--pdf") == 0
    assert (ws.dist_dir / "pdf" / "MF-WI-07.pdf").read_bytes() != bytes(data)
    assert b"/ByteRange" not in (ws.dist_dir / "pdf" / "MF-WI-07.pdf").read_bytes()


def test_refusals_write_nothing(ws, keys, monkeypatch, capsys):
    # a new revision in review, for approve --sign to refuse with the wrong passphrase
    assert smsgen(ws, "revise", "MF-WI-07", "--by", "bob", "--change", "Keys counted weekly") == 0
    assert smsgen(ws, "submit", "MF-WI-07", "--by", "cal") == 0
    inside = ws.root / "ann.key"
    shutil.copy(keys / "ann.key", inside)
    before = control_files(ws)
    monkeypatch.setenv("SMSGEN_KEY_PASSPHRASE", PASSPHRASES["ann"])
    cases = [
        (("approve", "MF-WI-07", "--by", "ann", "--sign", "--key", str(keys / "ann.key")), "wrong passphrase",
         {"SMSGEN_KEY_PASSPHRASE": "not it"}),
        (("approve", "MF-WI-07", "--by", "ann", "--sign", "--key", str(keys / "bob.key")), "wrong passphrase", {}),
        (("sign", "MF-WI-01", "--by", "ann", "--key", str(inside)), "inside the workspace", {}),
        (("keys", "create", "cal", "--key", str(ws.root / "keys" / "cal.key")), "inside the workspace", {}),
        (("keys", "create", "cal", "--key", str(keys / "cal.key")), "no passphrase", {"SMSGEN_KEY_PASSPHRASE": ""}),
        (("keys", "create", "ann", "--key", str(keys / "ann-2.key")), "has a registered certificate already", {}),
        (("sign", "MF-SYS-07", "--by", "ann", "--key", str(keys / "ann.key")),
         "was approved by bob, not ann: a person signs only their own approvals", {}),
        (("sign", "MF-WI-07", "--by", "ann", "--key", str(keys / "ann.key")), "has no approved revision", {}),
        (("sign", "--all", "--by", "bob", "--key", str(keys / "ann.key")), "not the key of bob", {}),
    ]
    for args, message, env in cases:
        with monkeypatch.context() as m:
            for name, value in env.items():
                m.setenv(name, value)
            capsys.readouterr()
            assert smsgen(ws, *args) == 2, args
            err = capsys.readouterr().err
            assert message in err and "Traceback" not in err, (args, err)
            assert control_files(ws) == before, args
    assert not (keys / "cal.key").exists() and not (ws.root / "keys").exists()
    assert load_register(ws.register_file, "r").documents["MF-WI-07"].current.status == "in_review"
    # approve --sign with the right key approves and signs revision 2; the dist PDF is the new signed one
    started = time.perf_counter()
    assert smsgen(ws, "approve", "MF-WI-07", "--by", "ann", "--sign", "--key", str(keys / "ann.key")) == 0
    TIMINGS["approve --sign (one document)"] = time.perf_counter() - started
    rev = load_register(ws.register_file, "r").documents["MF-WI-07"].current
    assert rev.revision == "2" and rev.signatures[0].by == "ann"
    assert smsgen(ws, "verify") == 0
    assert smsgen(ws, "build", "--controlled", "--no-site", "--pdf") == 0
    signed = (ws.control_dir / "signed/MF-WI-07/2.pdf").read_bytes()
    assert (ws.dist_dir / "pdf" / "MF-WI-07.pdf").read_bytes() == signed


def test_a_replaced_certificate_is_kept_and_old_signatures_still_verify(ws, keys, monkeypatch, capsys):
    monkeypatch.setenv("SMSGEN_KEY_PASSPHRASE", PASSPHRASES["bob"])
    assert smsgen(ws, "keys", "create", "bob", "--key", str(keys / "bob-new.key"), "--replace") == 0
    kept = list((ws.control_dir / "certificates").glob("bob-*.pem"))
    assert len(kept) == 1
    capsys.readouterr()
    assert smsgen(ws, "keys", "list") == 0
    assert "replaced" in capsys.readouterr().out
    assert smsgen(ws, "verify") == 0         # Bob's signatures were made with the old certificate
    assert smsgen(ws, "sign", "MF-SYS-07", "--by", "bob", "--key", str(keys / "bob.key")) == 2   # the old key


def test_required_refuses_a_controlled_build_with_an_unsigned_approval(ws, capsys):
    with_signatures(ws, "required")
    assert smsgen(ws, "revise", "MF-WI-08", "--by", "bob", "--change", "Reworded") == 0
    assert smsgen(ws, "submit", "MF-WI-08", "--by", "cal") == 0
    assert smsgen(ws, "approve", "MF-WI-08", "--by", "ann") == 0
    capsys.readouterr()
    assert smsgen(ws, "build", "--controlled", "--no-site") == 1
    err = capsys.readouterr().err
    assert "MF-WI-08 revision 2 is approved but not signed" in err and "smsgen sign MF-WI-08 --by ann" in err
    assert smsgen(ws, "pack", "stage1") == 1


def test_recover_completes_an_interrupted_signature(ws, keys, monkeypatch):
    """The journal carries the signed PDF (base64): an interruption after the journal is written is completed."""
    monkeypatch.setenv("SMSGEN_KEY_PASSPHRASE", PASSPHRASES["ann"])
    assert smsgen(ws, "revise", "MF-WI-09", "--by", "bob", "--change", "Reworded") == 0
    assert smsgen(ws, "submit", "MF-WI-09", "--by", "cal") == 0
    assert smsgen(ws, "approve", "MF-WI-09", "--by", "ann") == 0

    def crash(self, journal):
        raise SystemExit("power cut")
    monkeypatch.setattr(Store, "apply", crash)
    with pytest.raises(SystemExit):
        smsgen(ws, "sign", "MF-WI-09", "--by", "ann", "--key", str(keys / "ann.key"))
    monkeypatch.undo()
    monkeypatch.setenv("SMSGEN_KEY_PASSPHRASE", PASSPHRASES["ann"])
    assert not (ws.control_dir / "signed/MF-WI-09/2.pdf").exists()
    assert smsgen(ws, "verify") == 1
    assert smsgen(ws, "recover") == 0
    assert (ws.control_dir / "signed/MF-WI-09/2.pdf").exists()
    assert smsgen(ws, "verify") == 0


def test_a_set_without_signatures_works_as_before(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SMSGEN_NOW", APPROVED_ON)
    ws = copy_workspace(tmp_path / "mini", MINI)
    assert smsgen(ws, "submit", "MF-WI-07", "--by", "cal") == 0
    assert smsgen(ws, "delegate", "--function", "security_manager", "--to", "ann", "--by", "bob", "--reason",
                  "Owner") == 0
    assert smsgen(ws, "approve", "MF-WI-07", "--by", "ann") == 0
    assert "signatures" not in yaml.safe_load(ws.register_file.read_text())["documents"]["MF-WI-07"]["revisions"][0]
    assert smsgen(ws, "build", "--no-site") == 0
    page = next(ws.docs_dir.rglob("MF-WI-07*.md")).read_text()
    assert "signature" not in page
    capsys.readouterr()
    assert smsgen(ws, "sign", "MF-WI-07", "--by", "ann", "--key", str(tmp_path / "none.key")) == 2
    assert "signatures are off" in capsys.readouterr().err
    assert smsgen(ws, "verify") == 0
    assert not (ws.control_dir / "signed").exists() and not (ws.control_dir / "certificates").exists()


def test_report_timings():
    """Not a check: the measured times, for the record (-s shows them)."""
    for what, seconds in TIMINGS.items():
        print(f"{what}: {seconds:.2f} s")
