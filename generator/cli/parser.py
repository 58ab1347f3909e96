"""The command line's wiring: every command, its arguments and its handler (`module:function` under
generator.cli.commands, imported only when that command runs, so `smsgen --help` stays quick), and for a command
that can often answer without its handler's imports, a `quick` one tried first. This module imports only light ones
(names and defaults, never the machinery behind them): every command pays for them."""
from __future__ import annotations

import argparse
import datetime as dt

from generator.control.signing_env import CA_PASSPHRASE_ENV, KEY_ENV, PASSPHRASE_ENV
from generator.model.record_files import KINDS
from generator.publish.formats import FORMATS
from generator.publish.site.names import BACKEND_NAMES, DEFAULT_BACKEND

MAX_DAYS = 36_500


def days(text: str) -> int:
    """A whole number of days from 0 to 100 years: argparse reports anything else as a usage error."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of days") from None
    if not 0 <= value <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"{value} is outside 0 to {MAX_DAYS} days")
    return value


def date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD)") from None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="smsgen", description="Generate, control and publish an ISO 28000 SMS "
                                                           "documentation set from organisation data.")
    p.add_argument("-C", "--workspace", default=".", metavar="DIR", help="workspace directory (default: .)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("check", help="validate data and templates, render every document and run the checks")
    s.add_argument("--format", choices=("text", "json"), default="text",
                   help="json: machine-readable findings on standard output")
    s.set_defaults(handler="check:check")
    s = sub.add_parser("build", help="write docs/ and build the site into site/")
    s.add_argument("--no-site", action="store_true", help="write the Markdown pages only")
    s.add_argument("--controlled", action="store_true",
                   help="fail unless every document is approved and unchanged since approval")
    s.add_argument("--audience", metavar="NAME", help="publish only documents this audience may see "
                   "(audiences in data/documents.yml, e.g. employees)")
    s.add_argument("--site-dir", metavar="DIR", help="where to build the site (default: site/)")
    s.add_argument("--offline", action="store_true",
                   help="build a site to open from disk (file://): pages linked as .html, search without a server")
    s.add_argument("--site-backend", choices=BACKEND_NAMES, default=DEFAULT_BACKEND,
                   help=f"what builds the site (default: {DEFAULT_BACKEND}; zensical is experimental, see README)")
    for name, label in FORMATS.items():
        s.add_argument(f"--{name}", action="store_true",
                       help=f"also write dist/{name}/<ID>.{name} ({label}) for every document")
    s.add_argument("--packs", action="store_true", help="with --pdf: also the combined manual pack and full set")
    s.add_argument("--all", action="store_true", help="site, DOCX, PDF and the combined packs")
    s.add_argument("--format", choices=("text", "json"), default="text",
                   help="json: a summary of what was written where, and the findings, on standard output")
    s.set_defaults(handler="build:build_command", quick="build_repeat:repeat_if_current")

    def lifecycle(name: str, help_: str, *extra: tuple[str, dict], request: bool = True):
        c = sub.add_parser(name, help=help_)
        c.add_argument("ids", nargs="*", metavar="ID", help="document IDs (or template keys)")
        c.add_argument("--type", action="append", metavar="TYPE", help="every document of a type (repeatable)")
        c.add_argument("--all", action="store_true", help="every document")
        c.add_argument("--by", required=True, metavar="PERSON", help="person id from data/people.yml")
        if request:
            c.add_argument("--change-request", metavar="CR", help="the documents of a change request (e.g. CR-001), "
                           "together: instead of IDs, --type or --all")
        for flag, options in extra:
            c.add_argument(flag, **options)
        c.set_defaults(handler="control:lifecycle")

    lifecycle("submit", "submit drafts for approval (freezes their content)", ("--comment", {"default": ""}),
              ("--author", {"metavar": "PERSON", "help": "who prepared the revision (default: for a first issue a "
                            "holder of the document's owner function; for a revision, whoever revised it)"}))
    key_help = f"the signer's private key file (default: ${KEY_ENV})"
    passphrase_help = f"the environment variable holding its passphrase (default: {PASSPHRASE_ENV})"
    lifecycle("approve", "approve documents in review; records the fingerprint of the approved content",
              ("--comment", {"default": ""}), ("--effective", {"metavar": "YYYY-MM-DD", "help": "default: today"}),
              ("--sign", {"action": "store_true", "help": "also sign the approvals with the approver's key (see "
                          "smsgen sign); the key is checked before anything is approved"}),
              ("--key", {"metavar": "FILE", "help": key_help}),
              ("--passphrase-env", {"metavar": "NAME", "default": PASSPHRASE_ENV, "help": passphrase_help}))
    lifecycle("reject", "return documents in review to draft", ("--comment", {"required": True}))
    lifecycle("revise", "open the next revision of approved documents",
              ("--change", {"default": "", "help": "what changes (required; under --change-request, default: the "
                            "request's title)"}))
    lifecycle("withdraw", "make documents obsolete", ("--reason", {"required": True}), request=False)
    requests = sub.add_parser("change-request", help="change requests: several documents revised, approved and "
                              "released together, with the management-of-change assessment (clause 6.3)"
                              ).add_subparsers(dest="request_command", required=True, metavar="ACTION")
    s = requests.add_parser("open", help="open a change request (every field is required except --risks; give them "
                            "as options or in a YAML file)")
    s.add_argument("--by", required=True, metavar="PERSON", help="who opens it (person id)")
    s.add_argument("--from-file", metavar="FILE", help="a YAML mapping of the fields below (title, reason, documents, "
                   "impact, risks, risk_effect, ...); options given as well take precedence")
    s.add_argument("--title", metavar="TEXT")
    s.add_argument("--reason", metavar="TEXT", help="why the change is made")
    s.add_argument("--documents", nargs="+", metavar="ID", help="the documents it covers (IDs or template keys)")
    s.add_argument("--impact", metavar="TEXT", help="what it affects and what could follow from it, the SMS included")
    s.add_argument("--risks", nargs="+", metavar="RISK", help="ids of the risks in data/risks.yml it affects")
    s.add_argument("--risk-effect", metavar="TEXT", help="how it alters those risks, and any risk it creates")
    s.add_argument("--resources", metavar="TEXT", help="the resources it needs")
    s.add_argument("--responsibilities", metavar="TEXT", help="who makes it, and any responsibility it moves")
    s.add_argument("--timing", metavar="TEXT", help="when it is to be made")
    s.add_argument("--interim-controls", metavar="TEXT", help="what keeps security in place while it is under way")
    s.set_defaults(handler="change_request:open_command")
    s = requests.add_parser("list", help="every change request with its status")
    s.set_defaults(handler="change_request:list_command")
    s = requests.add_parser("show", help="a change request: reason, assessment, documents and their states")
    s.add_argument("id", metavar="CR")
    s.set_defaults(handler="change_request:show_command")
    s = requests.add_parser("cancel", help="cancel an open change request (its revisions stay as they are)")
    s.add_argument("id", metavar="CR")
    s.add_argument("--by", required=True, metavar="PERSON")
    s.add_argument("--reason", required=True, metavar="TEXT")
    s.set_defaults(handler="change_request:cancel_command")
    s = sub.add_parser("delegate", help="let another person approve for an SMS function (recorded, audited); "
                       "--revoke ID ends a delegation")
    s.add_argument("--function", metavar="F", help="the SMS function whose approvals are delegated")
    s.add_argument("--to", metavar="PERSON", help="the delegate (person id)")
    s.add_argument("--by", required=True, metavar="PERSON", help="a holder of the function (person id)")
    s.add_argument("--reason", required=True, metavar="TEXT")
    s.add_argument("--until", metavar="YYYY-MM-DD", help="last day the delegation applies (default: until revoked)")
    s.add_argument("--revoke", metavar="ID", help="end the delegation ID (e.g. D1) instead")
    s.set_defaults(handler="control:delegate")
    s = sub.add_parser("acknowledge", help="record that a person has read and understood the revision in force of "
                       "documents they follow (clause 7.3), or import a sign-off sheet")
    s.add_argument("ids", nargs="*", metavar="ID", help="document IDs (or template keys)")
    s.add_argument("--by", metavar="PERSON", help="the person who read them (person id from data/people.yml)")
    s.add_argument("--date", metavar="YYYY-MM-DD", help="the day they read them (default: today)")
    s.add_argument("--all-due", action="store_true", help="every document the person still has to acknowledge")
    s.add_argument("--import", dest="import_file", metavar="FILE", help="record the rows of a CSV or XLSX sign-off "
                   "sheet or learning-system export (columns person, document, revision, date) instead")
    s.set_defaults(handler="acknowledge:acknowledge")
    s = sub.add_parser("acknowledgements", help="who has still to acknowledge reading which documents, and what is "
                       "overdue, by person")
    s.add_argument("--person", metavar="PERSON", help="one person (id or e-mail)")
    s.add_argument("--role", metavar="ROLE", help="what the holders of a role owe through it (role key)")
    s.add_argument("--site", metavar="SITE", help="the people based at a site (site code)")
    s.add_argument("--document", metavar="ID", help="one document")
    s.add_argument("--overdue", action="store_true", help="only what is past its due date")
    s.add_argument("--csv", metavar="FILE", help="also write the rows listed to a CSV file")
    s.set_defaults(handler="acknowledge:report")
    s = sub.add_parser("recover", help="complete a document-control action that was interrupted (crash, power loss)")
    s.add_argument("--discard", action="store_true",
                   help="set the interrupted action's journal aside unapplied instead (when it cannot be completed)")
    s.set_defaults(handler="control:recover")
    s = sub.add_parser("status", help="revision, status and review dates of documents")
    s.add_argument("ids", nargs="*", metavar="ID")
    s.add_argument("--type", action="append", metavar="TYPE")
    s.set_defaults(handler="control:status")
    s = sub.add_parser("review-due", help="documents overdue or due for periodic review")
    s.add_argument("--within", type=days, default=30, metavar="DAYS", help="look-ahead (default 30 days)")
    s.set_defaults(handler="control:review_due")
    s = sub.add_parser("verify", help="check the audit log's hash chain, that it explains the register, and the "
                       "approved snapshots")
    s.set_defaults(handler="control:verify_command")
    keys = sub.add_parser("keys", help="the organisation's signing CA and each approver's key and certificate, for "
                          "signed approvals").add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    s = keys.add_parser("ca", help="create the organisation's CA: its key to FILE (outside the workspace), its "
                        "certificate to control/certificates/ca.pem")
    s.add_argument("--key", required=True, metavar="FILE", help="where to write the CA's private key (a new file "
                   "outside the workspace)")
    s.add_argument("--passphrase-env", metavar="NAME", default=PASSPHRASE_ENV,
                   help=f"the environment variable holding the passphrase that encrypts it (default: {PASSPHRASE_ENV})")
    s.add_argument("--replace", action="store_true", help="replace a registered CA certificate (the old one is kept)")
    s.set_defaults(handler="keys:ca_command")
    s = keys.add_parser("create", help="create a person's key (to FILE, outside the workspace) and certificate "
                        "(control/certificates/PERSON.pem), self-signed or issued by the organisation's CA")
    s.add_argument("person", metavar="PERSON", help="person id from data/people.yml")
    s.add_argument("--key", required=True, metavar="FILE", help="where to write the private key (a new file outside "
                   "the workspace)")
    s.add_argument("--passphrase-env", metavar="NAME", default=PASSPHRASE_ENV,
                   help=f"the environment variable holding the passphrase that encrypts it (default: {PASSPHRASE_ENV})")
    s.add_argument("--ca-key", metavar="CAFILE", help="issue the certificate with the organisation's CA key "
                   "(default: self-signed)")
    s.add_argument("--ca-passphrase-env", metavar="NAME", default=CA_PASSPHRASE_ENV,
                   help=f"the environment variable holding the CA key's passphrase (default: {CA_PASSPHRASE_ENV})")
    s.add_argument("--replace", action="store_true", help="replace the person's registered certificate (the old one "
                   "is kept, so signatures made with it still verify)")
    s.set_defaults(handler="keys:create_command")
    s = keys.add_parser("list", help="every registered certificate: holder, issuer, validity, SHA-256")
    s.set_defaults(handler="keys:list_command")
    s = sub.add_parser("sign", help="sign your approvals that are not signed yet: the approved revision's PDF, with "
                       "your key (PAdES)")
    s.add_argument("ids", nargs="*", metavar="ID", help="document IDs (or template keys)")
    s.add_argument("--all", action="store_true", help="every approval by PERSON not signed yet")
    s.add_argument("--by", required=True, metavar="PERSON", help="the approver (person id)")
    s.add_argument("--key", metavar="FILE", help=key_help)
    s.add_argument("--passphrase-env", metavar="NAME", default=PASSPHRASE_ENV, help=passphrase_help)
    s.set_defaults(handler="keys:sign_command")
    s = sub.add_parser("master-list", help="export the master document list as CSV and/or XLSX")
    s.add_argument("--csv", metavar="FILE")
    s.add_argument("--xlsx", metavar="FILE")
    s.set_defaults(handler="outputs:master_list")
    s = sub.add_parser("pack", help="write the Stage 1 handover pack (refused unless everything is approved)")
    s.add_argument("kind", choices=("stage1",))
    s.add_argument("--out", metavar="FILE", help="default: dist/PREFIX-stage1-VERSION.zip")
    s.add_argument("--include-restricted", action="store_true",
                   help="include restricted documents (by default they are listed for on-site review)")
    s.add_argument("--redlines", action="store_true", help="also redlines/<ID>-rN-rM.pdf of every document revised "
                   "since its first issue: its changes from the approved revision before")
    s.set_defaults(handler="outputs:pack")
    s = sub.add_parser("redline", help="write the redline of documents against the approved revision before: PDF, "
                       "and DOCX with tracked changes")
    s.add_argument("ids", nargs="*", metavar="ID", help="document IDs (or template keys)")
    s.add_argument("--all", action="store_true", help="every document with an earlier approved revision")
    s.add_argument("--out", metavar="DIR", help="default: dist/redline (files <ID>-rN-rM.pdf and .docx)")
    s.set_defaults(handler="redline:redline")
    s = sub.add_parser("verify-pack", help="check every file of a pack against its manifest")
    s.add_argument("file")
    s.set_defaults(handler="outputs:verify_pack_command")
    s = sub.add_parser("release", help="release the controlled site as VERSION (alias latest) on the local branch "
                                       "smsgen-site")
    s.add_argument("version")
    s.add_argument("--by", required=True, metavar="PERSON")
    s.add_argument("--audience", metavar="NAME", help="release the site of one audience (e.g. employees)")
    s.add_argument("--site-backend", choices=BACKEND_NAMES, default=DEFAULT_BACKEND,
                   help=f"what builds the released site (default: {DEFAULT_BACKEND})")
    s.add_argument("--commit", action="store_true",
                   help="commit uncommitted data, control records, templates and theme files before releasing, and "
                        "the release record after it (by default a release refuses uncommitted sources)")
    s.set_defaults(handler="outputs:release_command")
    s = sub.add_parser("publish", help="export every released version as a static site")
    s.add_argument("--to", required=True, metavar="DIR")
    s.set_defaults(handler="outputs:publish_command")
    s = sub.add_parser("schema", help="write the JSON Schema of every data file (for editor completion)")
    s.add_argument("--out", metavar="DIR", help="directory (default: data/.schema)")
    s.set_defaults(handler="workspace:schema")
    s = sub.add_parser("init", help="create a new workspace from the reference organisation")
    s.add_argument("directory")
    s.set_defaults(handler="workspace:init")
    s = sub.add_parser("serve", help="serve the site locally, regenerating on any change to data or templates")
    s.add_argument("--dev-addr", default="127.0.0.1:8000", metavar="HOST:PORT")
    s.add_argument("--site-backend", choices=BACKEND_NAMES, default=DEFAULT_BACKEND,
                   help=f"what builds the site (default: {DEFAULT_BACKEND})")
    s.set_defaults(handler="workspace:serve")
    s = sub.add_parser("templates", help="list the templates in use and which ones the workspace overrides")
    s.add_argument("--diff", nargs="?", const="", metavar="PATH",
                   help="show how each override (or the one at PATH, e.g. procedures/document-control.md.j2) differs "
                        "from the current default: whole files, or section by section for `extends: default`")
    s.set_defaults(handler="workspace:templates")
    gap = sub.add_parser("gap", help="gap analysis: the questionnaire, a client's workbook, the gap report and "
                                     "implementation plan").add_subparsers(dest="gap_command", required=True,
                                                                           metavar="ACTION")
    s = gap.add_parser("start", help="write the questionnaire to data/gap_analysis.yml (never over an existing one)")
    s.add_argument("--xlsx", metavar="FILE", help="also write it as a workbook for a client to fill in")
    s.add_argument("--by", metavar="PERSON", help="who assesses: a person id or a name (default: the SMS manager)")
    s.add_argument("--date", type=date, metavar="YYYY-MM-DD", help="date of the gap analysis (default: today)")
    s.add_argument("--kickoff", type=date, metavar="YYYY-MM-DD",
                   help="the day the implementation starts (default: the first Monday two weeks after --date)")
    s.set_defaults(handler="gap:start")
    s = gap.add_parser("import", help="read a returned workbook into data/gap_analysis.yml")
    s.add_argument("file", metavar="FILE")
    s.add_argument("--force", action="store_true", help="where the workbook and the file differ, take the workbook's")
    s.set_defaults(handler="gap:import_workbook")
    s = gap.add_parser("report", help="write the gap report and the implementation plan to dist/gap/")
    s.set_defaults(handler="gap:report")
    s = sub.add_parser("training", help="write awareness and internal-auditor training material (slide decks and "
                       "quizzes as PDF) from the organisation's data to dist/training/")
    s.add_argument("--only", choices=("awareness", "auditor"), help="write only this kind (default: both)")
    s.set_defaults(handler="training:training")
    records = sub.add_parser("records", help="the records of the SMS in operation (data/records/)").add_subparsers(
        dest="records_command", required=True, metavar="ACTION")
    s = records.add_parser("import", help="append the rows of a CSV or XLSX log (one record per row, a header of "
                                          "field names; nested fields as verification.by; lists separated by ';')")
    s.add_argument("kind", choices=tuple(KINDS), help="the kind of record: its file in data/records/")
    s.add_argument("file", metavar="FILE")
    s.set_defaults(handler="records:import_table")
    s = sub.add_parser("completion", help="print the shell completion script (bash or zsh); "
                       "load it with eval \"$(smsgen completion bash)\"")
    s.add_argument("shell", choices=("bash", "zsh"))
    s.set_defaults(handler="terminal:completion")
    s = sub.add_parser("_complete")   # hidden: the words the completion script offers, read without rendering
    s.add_argument("what", choices=("people", "documents"))
    s.set_defaults(handler="terminal:complete")
    return p
