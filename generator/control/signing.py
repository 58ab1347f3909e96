"""Signed approvals: the keys and certificates of a small organisation, a PAdES signature per approval, and the
validation `smsgen verify` and `smsgen verify-pack` run.

Keys. Each approver has a private key of their own (ECDSA P-256: fast, and accepted by PDF readers), kept in a file
outside the workspace and encrypted with a passphrase taken from an environment variable, so it is never committed
with the records and never typed on a command line. The certificates are public: they live in the control store,
control/certificates/<holder>.pem, each written in a transaction with a hash-chained log entry ("certificate") that
records its SHA-256, so a certificate swapped for another is found by `verify`. A replaced certificate is kept, as
<holder>-<sha8>.pem, because the signatures made with it must still verify. A certificate is self-signed, or issued
by the organisation's own CA (`smsgen keys ca`), whose certificate is control/certificates/ca.pem.

Signing. What an approval's signature covers is the approved revision's PDF as the PDF exporter renders it (the
rendering is generator/publish/signed.py's, reusing the pages stage and the exporter); here the bytes are signed,
invisibly, in a signature field per approval, with a reason stating the meaning: the function approved for, the
document, the revision and the fingerprint of the approved content. Several signatures on one revision are
incremental updates, each over the file the one before left.

Validation is pyHanko's own (validate_pdf_signature) with a validation context whose trust roots are the registered
certificates, at the signing time the register records (a certificate that has expired since does not undo an
approval); smsgen adds what pyHanko cannot know: that the signer's certificate is the one registered for that person
when they signed, that the reason is the one the register implies, and that the last signature covers the whole file.
"""
from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import SignatureCoverageLevel, validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from generator.base.clock import now
from generator.base.errors import UserError
from generator.base.files import fsync_dir
from generator.base.findings import Finding, Findings, Severity
from generator.base.workspace import Workspace
from generator.control import audit
from generator.control.audit import CertificateEntry, SignEntry
from generator.control.register import Register, Revision, Signature
from generator.control.signatures import (
    CA,
    CERTIFICATES,
    certificate_relpath,
    signed_path,
)
from generator.control.signatures import (
    sha256 as sha256_of,
)
from generator.control.signing_env import KEY_ENV
from generator.control.store import Transaction
from generator.model.organisation import Organisation

PERSON_YEARS, CA_YEARS = 3, 10
CURVE = ec.SECP256R1()


def _refused(message: str, hint: str = "") -> UserError:
    return UserError(Finding("control.refused", Severity.fatal, message, hint=hint))


# --- keys ---------------------------------------------------------------------------------------------------------

def passphrase(env: str) -> bytes:
    """The passphrase in the environment variable `env`: never on the command line, where `ps` and shell histories
    would show it."""
    value = os.environ.get(env, "")
    if not value:
        state = "empty" if env in os.environ else "not set"
        raise _refused(f"no passphrase: the environment variable {env} is {state}",
                       f"set it for this command, e.g. `read -rs {env} && export {env}`, or name another variable with "
                       "--passphrase-env NAME")
    return value.encode("utf-8")


def outside(ws: Workspace, key_file: str | Path, what: str) -> Path:
    """A key file's path, refused inside the workspace: it would be one `git add` away from being published."""
    path = Path(key_file).expanduser()
    path = Path(os.path.abspath(path))
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):
        resolved = path
    if resolved.is_relative_to(ws.root) or path.is_relative_to(ws.root):
        raise _refused(f"{what} {key_file} is inside the workspace ({ws.root}), where it could be committed and "
                       "published with the records", "keep private keys outside the workspace, e.g. "
                       "~/.smsgen/keys/NAME.key, on an encrypted disk")
    return path


def new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(CURVE)


def write_key(path: Path, key: ec.EllipticCurvePrivateKey, secret: bytes) -> None:
    """The key, encrypted with the passphrase, in a new file only its owner can read; never over an existing one."""
    data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.BestAvailableEncryption(secret))
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise _refused(f"{path} exists already: a private key is never overwritten",
                       "name a new file with --key, or move the old one away first") from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    fsync_dir(path.parent)


def load_key(ws: Workspace, key_file: str | Path, env: str, what: str = "the key file") -> ec.EllipticCurvePrivateKey:
    """A private key smsgen made, decrypted with the passphrase in `env`; refused (never a traceback) when it is in
    the workspace, missing, not a key, or the passphrase is wrong."""
    path = outside(ws, key_file, what)
    secret = passphrase(env)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _refused(f"{what} {key_file} cannot be read: {exc.strerror or exc}", "name the file with --key") from None
    try:
        key = serialization.load_pem_private_key(data, password=secret)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise _refused(f"{what} {key_file} cannot be opened: wrong passphrase (in {env}), or not a private key",
                       "check the passphrase and the file") from None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise _refused(f"{what} {key_file} is not an EC key smsgen made", "create one with `smsgen keys create`")
    return key


# --- certificates -------------------------------------------------------------------------------------------------

@dataclass
class Registered:
    """A certificate as the audit log registered it, and the file that should hold it."""
    holder: str
    sha: str
    relpath: str                 # under control/
    entry: dict[str, Any]
    current: bool = False        # the holder's latest
    certificate: x509.Certificate | None = None   # as read from its file, when that is the registered one
    problem: str = ""            # why the file is not the registered certificate


def der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def fingerprint_of(cert: x509.Certificate) -> str:
    return sha256_of(der(cert))


def registered(ws: Workspace, entries: Iterable[dict[str, Any]] | None = None) -> list[Registered]:
    """Every certificate the log registers, in order, each read from its file and checked against its SHA-256."""
    found: list[Registered] = []
    for entry in entries if entries is not None else audit.read_entries(ws.audit_file):
        if entry.get("action") == "certificate":
            found.append(Registered(entry["holder"], entry["sha256"], "", entry))
    latest = {item.holder: item for item in found}
    for item in found:
        item.current = latest[item.holder] is item
        item.relpath = certificate_relpath(item.holder, None if item.current else item.sha)
        path = ws.control_dir / item.relpath
        try:
            cert = x509.load_pem_x509_certificate(path.read_bytes())
        except OSError:
            item.problem = "is missing"
            continue
        except ValueError:
            item.problem = "is not a PEM certificate"
            continue
        if fingerprint_of(cert) != item.sha:
            item.problem = f"is not the certificate registered for {item.holder} (SHA-256 {item.sha[:16]}…): swapped"
        else:
            item.certificate = cert
    return found


def current_certificate(ws: Workspace, holder: str, entries: Iterable[dict[str, Any]] | None = None) \
        -> x509.Certificate | None:
    """The holder's registered certificate, refused when its file is not the one registered."""
    for item in registered(ws, entries):
        if item.holder == holder and item.current:
            if item.certificate is None:
                raise _refused(f"control/{item.relpath} {item.problem}", "restore control/certificates/ from "
                               "version control or backup; `smsgen verify` shows what else differs")
            return item.certificate
    return None


def subject_name(common: str, organisation: str, email: str = "") -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common),
                  x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation)]
    if email:
        attributes.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email))
    return x509.Name(attributes)


def make_certificate(subject: x509.Name, key: ec.EllipticCurvePrivateKey, years: int, is_ca: bool,
                     issuer: tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None = None) -> x509.Certificate:
    """A certificate for `key`: self-signed, or issued by `issuer` (the organisation's CA). A person's certificate
    is for signatures that commit the signer (digitalSignature + nonRepudiation); the CA's signs certificates only."""
    start = now().astimezone(dt.UTC)
    issuer_cert, issuer_key = issuer if issuer is not None else (None, key)
    usage = dict(digital_signature=not is_ca, content_commitment=not is_ca, key_encipherment=False,
                 data_encipherment=False, key_agreement=False, key_cert_sign=is_ca, crl_sign=is_ca,
                 encipher_only=False, decipher_only=False)
    builder = (x509.CertificateBuilder().subject_name(subject)
               .issuer_name(issuer_cert.subject if issuer_cert is not None else subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(start).not_valid_after(start + dt.timedelta(days=365 * years))
               .add_extension(x509.BasicConstraints(ca=is_ca, path_length=0 if is_ca else None), critical=True)
               .add_extension(x509.KeyUsage(**usage), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
                              critical=False))
    if email := [a.value for a in subject.get_attributes_for_oid(NameOID.EMAIL_ADDRESS)]:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.RFC822Name(str(email[0]))]),
                                        critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def _common_name(name: x509.Name) -> str:
    found = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(found[0].value) if found else name.rfc4514_string()


def same_key(cert: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> bool:
    return cert.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo) \
        == key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def create(txn: Transaction, holder: str, holder_name: str, subject: x509.Name, key_file: Path, secret: bytes,
           replace: bool, issuer: tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None = None) -> list[str]:
    """Make a key and its certificate for `holder` (a person id, or CA), write the key to `key_file` and register
    the certificate: one transaction, refused (writing nothing) when the holder has one and `replace` is not given."""
    ws = txn.store.ws
    entries = audit.read_entries(ws.audit_file)
    old = current_certificate(ws, holder, entries) if replace else None
    if not replace and any(e.get("action") == "certificate" and e.get("holder") == holder for e in entries):
        raise _refused(f"{holder_name} has a registered certificate already (control/{certificate_relpath(holder)})",
                       "--replace registers a new one; the old one is kept, so signatures made with it still verify")
    is_ca = holder == CA
    key = new_key()
    cert = make_certificate(subject, key, CA_YEARS if is_ca else PERSON_YEARS, is_ca, issuer)
    sha = fingerprint_of(cert)
    files = {certificate_relpath(holder): cert.public_bytes(serialization.Encoding.PEM)}
    if old is not None:     # kept under its own name: signatures made with it must still verify
        files[certificate_relpath(holder, fingerprint_of(old))] = old.public_bytes(serialization.Encoding.PEM)
    entry: CertificateEntry = {
        "action": "certificate", "holder": holder, "holder_name": holder_name, "sha256": sha,
        "subject": cert.subject.rfc4514_string(), "issuer": cert.issuer.rfc4514_string(),
        "not_before": cert.not_valid_before_utc.isoformat(), "not_after": cert.not_valid_after_utc.isoformat(),
        "replaces": fingerprint_of(old) if old is not None else "", "at": now().isoformat()}
    write_key(key_file, key, secret)
    try:
        txn.commit([entry], files=files)
    except BaseException:
        key_file.unlink(missing_ok=True)   # a key whose certificate was never registered signs nothing
        raise
    return [f"{holder_name}: private key written to {key_file} (keep it and its passphrase safe; never in the "
            "workspace)",
            f"certificate control/{certificate_relpath(holder)} registered, issued by {_common_name(cert.issuer)}, "
            f"valid until {cert.not_valid_after_utc.date()}, SHA-256 {sha}"]


def create_ca(txn: Transaction, org: Organisation, key_file: Path, secret: bytes, replace: bool) -> list[str]:
    legal = org.org.legal_entity
    return create(txn, CA, legal, subject_name(f"{legal} SMS signing CA", legal), key_file, secret, replace)


def create_person(txn: Transaction, org: Organisation, person_id: str, key_file: Path, secret: bytes, replace: bool,
                  ca: tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None) -> list[str]:
    person = org.person[person_id]
    subject = subject_name(person.name, org.org.legal_entity, str(person.email or ""))
    return create(txn, person_id, person.name, subject, key_file, secret, replace, ca)


def organisation_ca(ws: Workspace, ca_key_file: str, env: str) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    """The registered CA certificate and its key, refused unless the key is the certificate's."""
    key = load_key(ws, ca_key_file, env, "the CA key file")
    cert = current_certificate(ws, CA)
    if cert is None:
        raise _refused("the organisation has no CA certificate", "create it first: smsgen keys ca --key FILE")
    if not same_key(cert, key):
        raise _refused(f"{ca_key_file} is not the key of the registered CA certificate (control/"
                       f"{certificate_relpath(CA)})", "name the CA's own key with --ca-key")
    return cert, key


def describe(ws: Workspace) -> list[str]:
    """`smsgen keys list`: every registered certificate, the current ones first."""
    lines = []
    for item in sorted(registered(ws), key=lambda r: (not r.current, r.holder)):
        cert, entry = item.certificate, item.entry
        state = "current" if item.current else "replaced"
        if cert is None:
            lines.append(f"{item.holder:16} control/{item.relpath}: {item.problem} (registered SHA-256 {item.sha})")
            continue
        lines.append(f"{item.holder:16} {_common_name(cert.subject)}; issued by {_common_name(cert.issuer)}; valid "
                     f"{cert.not_valid_before_utc.date()} to {cert.not_valid_after_utc.date()}; {state}; SHA-256 "
                     f"{item.sha}" + (f"; replaces {entry['replaces'][:16]}…" if entry.get("replaces") else ""))
    return lines


# --- signing ------------------------------------------------------------------------------------------------------

@dataclass
class Credentials:
    """A signer's key and registered certificate, loaded and matched before anything is approved or signed."""
    person: str
    key: ec.EllipticCurvePrivateKey
    certificate: x509.Certificate
    chain: list[x509.Certificate] = field(default_factory=list)   # the CA's certificate, for readers that want it

    @property
    def sha(self) -> str:
        return fingerprint_of(self.certificate)


def credentials(ws: Workspace, person: str, key_file: str | None, env: str) -> Credentials:
    """The person's signing key (--key, else $SMSGEN_SIGNING_KEY) and current certificate; refused when the key is
    missing, in the workspace, locked with another passphrase, not the certificate's, or the certificate is not
    valid now."""
    key_file = key_file or os.environ.get(KEY_ENV, "")
    if not key_file:
        raise _refused("no signing key given", f"name the key file with --key FILE or in {KEY_ENV}")
    key = load_key(ws, key_file, env)
    entries = audit.read_entries(ws.audit_file)
    cert = current_certificate(ws, person, entries)
    if cert is None:
        raise _refused(f"'{person}' has no registered certificate", f"smsgen keys create {person} --key FILE")
    if not same_key(cert, key):
        raise _refused(f"{key_file} is not the key of {person}'s registered certificate "
                       f"(control/{certificate_relpath(person)})", "sign with your own key")
    moment = now().astimezone(dt.UTC)
    if not cert.not_valid_before_utc <= moment <= cert.not_valid_after_utc:
        raise _refused(f"{person}'s certificate is valid from {cert.not_valid_before_utc.date()} to "
                       f"{cert.not_valid_after_utc.date()}, not now", f"smsgen keys create {person} --key FILE "
                       "--replace")
    ca = current_certificate(ws, CA, entries)
    chain = [ca] if ca is not None and cert.issuer == ca.subject else []
    return Credentials(person, key, cert, chain)


class _AtTime(signers.PdfSigner):
    """pyHanko's signer, with the signing time smsgen's clock gives (SMSGEN_NOW pins it) rather than the system's."""

    def __init__(self, meta: signers.PdfSignatureMetadata, signer: signers.Signer, at: dt.datetime,
                 spec: fields.SigFieldSpec):
        super().__init__(meta, signer, new_field_spec=spec)
        self.at = at

    def init_signing_session(self, pdf_out, existing_fields_only=False):
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self.at
        return session


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(der(cert))


def sign_pdf(data: bytes, who: Credentials, field_name: str, reason: str, at: dt.datetime) -> bytes:
    """`data` with one more PAdES signature, in a new invisible field, as an incremental update."""
    key = asn1_keys.PrivateKeyInfo.load(who.key.private_bytes(serialization.Encoding.DER,
                                                              serialization.PrivateFormat.PKCS8,
                                                              serialization.NoEncryption()))
    signer = signers.SimpleSigner(signing_cert=_asn1(who.certificate), signing_key=key,
                                  cert_registry=SimpleCertificateStore.from_certs([_asn1(c) for c in who.chain]))
    meta = signers.PdfSignatureMetadata(field_name=field_name, reason=reason, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES)
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    out = _AtTime(meta, signer, at, fields.SigFieldSpec(sig_field_name=field_name)).sign_pdf(writer)
    return out.getvalue()


def field_name(count: int) -> str:
    """The signature field of the approval's n-th signature (1-based)."""
    return f"Approval{count}"


def sign_entry(doc_id: str, rev: Revision, sig: Signature, by_name: str) -> SignEntry:
    return {"action": "sign", "document": doc_id, "revision": rev.revision, "fingerprint": rev.fingerprint or "",
            "by": sig.by, "by_name": by_name, "function": sig.function, "field": sig.field, "reason": sig.reason,
            "certificate_sha256": sig.certificate_sha256, "pdf_sha256": sig.pdf_sha256, "at": sig.at}


# --- validation ---------------------------------------------------------------------------------------------------

@dataclass
class Checked:
    """One embedded signature as pyHanko validated it."""
    field: str
    reason: str
    certificate: str          # SHA-256 of the signer's certificate
    problems: list[str]


def _moment(at: str | dt.datetime | None) -> dt.datetime | None:
    if isinstance(at, dt.datetime):
        return at
    try:
        return dt.datetime.fromisoformat(at) if at else None
    except ValueError:
        return None


def validate(data: bytes, trust: Sequence[bytes], moments: Mapping[str, str] | None = None) -> list[Checked]:
    """Every signature in the PDF, validated by pyHanko against the trust roots (DER certificates) at its own
    signing time (`moments`, by field name, else the time the signature states). The last must cover the whole
    file; earlier ones their revision, with nothing but signatures added after. ValueError when the PDF cannot be
    read at all."""
    roots = [asn1_x509.Certificate.load(c) for c in trust]
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # noqa: BLE001 - a damaged PDF is a finding, whatever pyHanko's parser raises
        raise ValueError(f"not a readable PDF: {type(exc).__name__}: {exc}") from None
    checked = []
    for index, sig in enumerate(embedded):
        name = str(sig.field_name)
        reason = str(sig.sig_object.get("/Reason", ""))
        problems: list[str] = []
        certificate = ""
        try:
            moment = _moment((moments or {}).get(name)) or sig.self_reported_timestamp
            context = ValidationContext(trust_roots=roots, allow_fetching=False, moment=moment)
            status = validate_pdf_signature(sig, context)
            certificate = sha256_of(status.signing_cert.dump())
            if not status.intact:
                problems.append("not intact: the signed bytes changed after signing")
            if not status.valid:
                problems.append("the signature does not verify with the signer's certificate")
            if not status.trusted:
                problems.append("the signer's certificate does not chain to a registered certificate")
            if index == len(embedded) - 1:
                if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
                    problems.append("does not cover the whole file: something was appended after it")
            elif not status.bottom_line:
                problems.append("the file was changed after it by more than the signatures that follow")
        except Exception as exc:  # noqa: BLE001 - pyHanko reports a malformed signature by raising; a finding here
            problems.append(f"cannot be validated: {type(exc).__name__}: {exc}")
        checked.append(Checked(name, reason, certificate, problems))
    return checked


def trust_roots(items: Iterable[Registered]) -> list[bytes]:
    return [der(item.certificate) for item in items if item.certificate is not None]


def verify_signatures(ws: Workspace, register: Register, entries: list[dict[str, Any]]) -> Findings:
    """`smsgen verify`: every certificate file is the one registered; the log explains every signature the
    register records, each made with the signer's certificate of the time; each signed PDF is the file recorded and
    pyHanko validates each of its signatures, with the reason the register implies."""
    findings = Findings()
    certs = registered(ws, entries)
    for item in certs:
        if item.problem:
            findings.add("control.certificate", Severity.error, f"control/{item.relpath} {item.problem}",
                         ws.display(ws.control_dir / item.relpath),
                         hint="restore control/certificates/ from version control or backup")
    known = {item.relpath for item in certs}
    folder = ws.control_dir / CERTIFICATES
    for path in sorted(folder.glob("*.pem")) if folder.is_dir() else []:
        if f"{CERTIFICATES}/{path.name}" not in known:
            findings.add("control.certificate", Severity.error, f"{ws.display(path)} is not a certificate smsgen "
                         "registered", ws.display(path), hint="certificates are registered by `smsgen keys`; remove "
                         "the file or restore the folder from version control")
    findings += _signatures_explained(ws, register, entries)
    roots = trust_roots(certs)
    for doc_id, doc in register.documents.items():
        for rev in doc.revisions:
            if rev.signatures:
                findings += _signed_pdf(ws, doc_id, rev, roots)
    return findings


def _signatures_explained(ws: Workspace, register: Register, entries: list[dict[str, Any]]) -> Findings:
    """Replay the log: each revision's signatures are exactly the logged ones, each made with the certificate
    registered for the signer when they signed."""
    findings = Findings()
    display = ws.display(ws.register_file)
    current: dict[str, str] = {}
    logged: dict[tuple[str, str], list[tuple]] = {}
    for entry in entries:
        if entry.get("action") == "certificate":
            current[entry["holder"]] = entry["sha256"]
        elif entry.get("action") == "sign":
            key = (entry["document"], entry["revision"])
            if current.get(entry["by"]) != entry["certificate_sha256"]:
                findings.add("control.signature", Severity.error, f"{key[0]} revision {key[1]}: signed by "
                             f"{entry['by']} with a certificate not registered for them at the time", display)
            logged.setdefault(key, []).append((entry["by"], entry["function"], entry["field"], entry["reason"],
                                               entry["certificate_sha256"], entry["pdf_sha256"], entry["at"]))
    for doc_id, doc in register.documents.items():
        for rev in doc.revisions:
            recorded = [(s.by, s.function, s.field, s.reason, s.certificate_sha256, s.pdf_sha256, s.at)
                        for s in rev.signatures]
            if recorded != logged.pop((doc_id, rev.revision), []):
                findings.add("audit.unexplained", Severity.error, f"{doc_id} revision {rev.revision}: the signatures "
                             "in the register differ from the logged ones", display,
                             hint="the register was edited outside smsgen")
    for doc_id, revision in sorted(logged):
        findings.add("audit.unexplained", Severity.error, f"{doc_id} revision {revision}: signatures in the log are "
                     "missing from the register", display, hint="the register was edited or restored from an older "
                                                                 "copy")
    return findings


def _signed_pdf(ws: Workspace, doc_id: str, rev: Revision, roots: list[bytes]) -> Findings:
    findings = Findings()
    path = signed_path(ws, doc_id, rev.revision)
    where, what = ws.display(path), f"{doc_id} revision {rev.revision}"
    hint = "restore control/signed/ from version control or backup"
    try:
        data = path.read_bytes()
    except OSError:
        findings.add("control.signature", Severity.error, f"{what}: the signed PDF is missing", where, hint=hint)
        return findings
    if sha256_of(data) != rev.signatures[-1].pdf_sha256:
        findings.add("control.signature", Severity.error, f"{what}: the signed PDF is not the file the register "
                     "records (its SHA-256 differs: changed)", where, hint=hint)
    try:
        checked = validate(data, roots, {s.field: s.at for s in rev.signatures})
    except ValueError as exc:
        findings.add("control.signature", Severity.error, f"{what}: the signed PDF {exc}", where, hint=hint)
        return findings
    if len(checked) != len(rev.signatures):
        findings.add("control.signature", Severity.error, f"{what}: the signed PDF holds {len(checked)} "
                     f"signature(s), the register records {len(rev.signatures)}", where, hint=hint)
    for sig, found in zip(rev.signatures, checked):
        label = f"{what}: signature {sig.field} by {sig.by}"
        for problem in found.problems:
            findings.add("control.signature", Severity.error, f"{label}: {problem}", where, hint=hint)
        if found.field != sig.field:
            findings.add("control.signature", Severity.error, f"{label}: the PDF's signature is in field "
                         f"'{found.field}'", where, hint=hint)
        if found.certificate != sig.certificate_sha256:
            findings.add("control.signature", Severity.error, f"{label}: made with another certificate than the "
                         "one registered for the signer", where, hint=hint)
        meaning = f"({sig.function}): {doc_id} revision {rev.revision}, content SHA-256 {rev.fingerprint}"
        if found.reason != sig.reason or not (found.reason.startswith("Approved as ") and
                                              found.reason.endswith(meaning)):
            findings.add("control.signature", Severity.error, f"{label}: its reason '{found.reason}' does not state "
                         f"the approval the register records ({meaning})", where, hint=hint)
    return findings


def pack_findings(pdfs: Mapping[str, bytes], certificates: Sequence[bytes], listed: Mapping[str, Any]) \
        -> list[tuple[str, str]]:
    """`smsgen verify-pack`: every signature of every PDF given (name -> bytes) validates against the pack's
    certificates (PEM) and is the one the manifest lists (`listed`: the manifest's entry per file); each problem as
    (file name, message)."""
    roots = []
    for pem in certificates:
        try:
            roots.append(der(x509.load_pem_x509_certificate(pem)))
        except ValueError:
            continue        # reported below: nothing validates against it
    problems: list[tuple[str, str]] = []
    for name, data in sorted(pdfs.items()):
        entry = listed.get(name)
        expected = entry.get("signatures") if isinstance(entry, dict) else None
        expected = expected if isinstance(expected, list) else []
        try:
            checked = validate(data, roots)
        except ValueError as exc:
            problems.append((name, f"its signatures cannot be checked: {exc}"))
            continue
        if len(checked) != len(expected):
            problems.append((name, f"holds {len(checked)} signature(s), the manifest lists {len(expected)}"))
        for index, found in enumerate(checked):
            for problem in found.problems:
                problems.append((name, f"signature {found.field}: {problem}"))
            want = expected[index] if index < len(expected) and isinstance(expected[index], dict) else {}
            if want and (found.certificate != want.get("certificate_sha256") or found.reason != want.get("reason")):
                problems.append((name, f"signature {found.field}: signer or reason differs from the manifest"))
    return problems


def signed_by(data: bytes) -> bool:
    """Whether a PDF may hold a signature (its /ByteRange): a cheap test before parsing it."""
    return b"/ByteRange" in data

