"""The `smsgen` command line. Each command is a thin layer over the pipeline; user mistakes end as findings."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .findings import EXIT_BAD_INPUT, EXIT_CHECKS_FAILED, EXIT_OK, Finding, Findings, Severity, UserError
from .workspace import DEFAULT_TEMPLATES, Workspace


def cmd_check(ws: Workspace, args) -> int:
    from .pipeline import run

    outcome = run(ws)
    if args.format == "json":
        print(outcome.findings.as_json())
    else:
        outcome.findings.report(sys.stderr, grouped=True)
        if not outcome.findings:
            print(f"{len(outcome.documents)} documents, no findings")
    return outcome.findings.exit_code()


def cmd_build(ws: Workspace, args) -> int:
    from concurrent.futures import ThreadPoolExecutor

    from .pipeline import run
    from .site import Downloads, build_site

    outcome = run(ws, write=True, controlled=args.controlled, audience=args.audience)
    findings = outcome.findings
    formats = {f for f, wanted in (("docx", args.docx or args.all), ("pdf", args.pdf or args.all)) if wanted}
    downloads = site_findings = None
    with ThreadPoolExecutor(1) as background:
        if outcome.generated is not None and formats:
            from .export import plan_export

            # the conversions run in worker processes while this process builds the site: MkDocs uses one core,
            # and the largest documents convert one at a time for memory, so either alone leaves a core idle
            plan = plan_export(ws, outcome.org, formats, packs=args.all or args.packs)
            exporting = background.submit(plan.run)
            downloads = Downloads(ws.root / "dist", plan.fingerprint,
                                  lambda: not exporting.result().findings.fatal)
        if outcome.generated is not None and not args.no_site and not findings.fatal:
            site_findings = build_site(ws, outcome.org, outcome.generated,
                                       Path(args.site_dir) if args.site_dir else None, downloads=downloads)
        if downloads is not None:
            exported = exporting.result()
            findings += exported.findings
            print(f"{len(exported.written)} file(s) converted, {exported.skipped} unchanged, "
                  f"in {exported.seconds:.1f} s -> {ws.display(ws.root / 'dist')}")
    if site_findings is not None:
        findings += site_findings
    findings.report(sys.stderr)
    if outcome.generated is not None:
        where = ws.display(ws.site_dir) if not args.no_site and not findings.fatal else ws.display(ws.docs_dir)
        print(f"{len(outcome.documents)} documents written to {ws.display(ws.docs_dir)}"
              + ("" if args.no_site or findings.fatal else f"; site built in {where}"))
    return findings.exit_code()


def _controller(ws: Workspace):
    """The rendered set and its register, ready for a lifecycle action; bad input stops here."""
    from .lifecycle import Controller
    from .pipeline import run

    outcome = run(ws)
    if outcome.findings.fatal:
        raise UserError([f for f in outcome.findings if f.severity >= 2])
    return Controller(ws, outcome.org, outcome.documents), outcome


def cmd_lifecycle(ws: Workspace, args) -> int:
    controller, _ = _controller(ws)
    docs = controller.select(args.ids, args.type or [], args.all)
    action = args.command
    if action == "submit":
        lines = controller.submit(docs, args.by, args.comment or "")
    elif action == "approve":
        if args.all and not args.ids and not args.type:
            # --all approves what this person may approve and did not author; the rest is listed, not refused
            waiting = [d for d in docs if (e := controller.register.documents.get(d.id)) and e.current.status == "in_review"]
            controller.person(args.by)
            docs = [d for d in waiting if controller.may_approve(args.by, d)
                    and controller.register.documents[d.id].current.author != args.by]
            if not docs:
                raise UserError(Finding("control.refused", Severity.fatal, "nothing to approve: no document in review "
                                        f"that '{args.by}' may approve", hint="submit documents first, or check "
                                        "`approves` in data/roles.yml"))
            if len(waiting) > len(docs):
                print(f"{len(waiting) - len(docs)} document(s) in review need another approver (see `smsgen status`)")
        lines = controller.approve(docs, args.by, args.comment or "", args.effective)
    elif action == "reject":
        lines = controller.reject(docs, args.by, args.comment or "")
    elif action == "revise":
        lines = controller.revise(docs, args.by, args.change)
    else:
        lines = controller.withdraw(docs, args.by, args.reason)
    for line in lines:
        print(line)
    print(f"{action}: {len(lines)} document(s)")
    return EXIT_OK


def cmd_status(ws: Workspace, args) -> int:
    controller, outcome = _controller(ws)
    docs = controller.select(args.ids, args.type or [], not args.ids and not args.type)
    print(f"{'ID':24} {'Rev':8} {'Status':22} {'Effective':11} {'Next review':12} Title")
    for doc in docs:
        st = outcome.states[doc.id]
        flag = " OVERDUE" if st.overdue else ""
        print(f"{doc.id:24} {st.revision:8} {st.status_label:22} {st.effective or '-':11} "
              f"{(st.next_review or '-') + flag:12} {doc.title}")
    counts: dict[str, int] = {}
    for doc in docs:
        counts[outcome.states[doc.id].status_label] = counts.get(outcome.states[doc.id].status_label, 0) + 1
    print(", ".join(f"{n} {label.lower()}" for label, n in sorted(counts.items())))
    return EXIT_OK


def cmd_review_due(ws: Workspace, args) -> int:
    import datetime as dt

    from .register import today

    _, outcome = _controller(ws)
    horizon = today() + dt.timedelta(days=args.within)
    rows = sorted((st.next_review, doc) for doc in outcome.documents
                  if (st := outcome.states[doc.id]).next_review and dt.date.fromisoformat(st.next_review) <= horizon)
    for due, doc in rows:
        late = dt.date.fromisoformat(due) < today()
        print(f"{'OVERDUE ' if late else 'due     '}{due}  {doc.id:24} {doc.title}  (owner: {doc.owner.title})")
    print(f"{len(rows)} document(s) overdue or due within {args.within} days")
    return EXIT_CHECKS_FAILED if any(dt.date.fromisoformat(d) < today() for d, _ in rows) else EXIT_OK


def cmd_verify(ws: Workspace, args) -> int:
    from .register import load_register
    from .verify import verify

    findings = verify(ws, load_register(ws.register_file, ws.display(ws.register_file)))
    findings.report(sys.stderr)
    if not findings:
        from .audit import read_entries
        print(f"audit log intact: {len(read_entries(ws.audit_file))} entries, and it explains the register")
    return findings.exit_code()


def cmd_master_list(ws: Workspace, args) -> int:
    from .masterlist import export

    _, outcome = _controller(ws)
    for path in export(outcome, Path(args.csv) if args.csv else None, Path(args.xlsx) if args.xlsx else None, ws):
        print(ws.display(path))
    return EXIT_OK


def cmd_pack(ws: Workspace, args) -> int:
    from .pack import build_pack
    from .pipeline import run

    outcome = run(ws, write=True, controlled=True)
    result = build_pack(ws, outcome, Path(args.out) if args.out else None, args.include_restricted)
    if result.path is None:
        print("stage 1 pack refused:", file=sys.stderr)
        result.findings.report(sys.stderr)
        return EXIT_CHECKS_FAILED if not result.findings.fatal else EXIT_BAD_INPUT
    print(f"{ws.display(result.path)}: {result.files} files"
          + (f"; {result.withheld} restricted document(s) listed for on-site review" if result.withheld else ""))
    return EXIT_OK


def cmd_verify_pack(ws: Workspace, args) -> int:
    from .pack import verify_pack

    findings = verify_pack(Path(args.file))
    findings.report(sys.stderr)
    if not findings:
        print(f"{args.file}: every file matches the manifest")
    return findings.exit_code()


def cmd_release(ws: Workspace, args) -> int:
    from .release import release

    findings, lines = release(ws, args.version, args.by, args.audience)
    if findings:
        print(f"release {args.version} refused:", file=sys.stderr)
        findings.report(sys.stderr)
        return findings.exit_code() or EXIT_CHECKS_FAILED
    for line in lines:
        print(line)
    return EXIT_OK


def cmd_publish(ws: Workspace, args) -> int:
    from .release import publish

    versions = publish(ws, Path(args.to))
    print(f"{len(versions)} released version(s) exported to {args.to}: {', '.join(versions)}")
    return EXIT_OK


def cmd_schema(ws: Workspace, args) -> int:
    from .schema import write_schemas

    out = Path(args.out) if args.out else ws.schema_dir
    for path in write_schemas(out):
        print(ws.display(path))
    return EXIT_OK


def cmd_init(ws: Workspace, args) -> int:
    from .scaffold import init

    created = init(Path(args.directory))
    print(f"workspace created in {created.root}\nnext: cd {args.directory} && smsgen build")
    return EXIT_OK


def cmd_serve(ws: Workspace, args) -> int:
    import os

    from mkdocs.commands.serve import serve

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    hook = Path(__file__).with_name("serve_hook.py")
    watch = [str(d) for d in (ws.data_dir, ws.root / "sms_templates") if d.is_dir()]
    serve(config_file=str(ws.mkdocs_yml), watch=watch, hooks=[str(hook)], dev_addr=args.dev_addr)
    return EXIT_OK


def cmd_templates(ws: Workspace, args) -> int:
    from .templates import discover

    templates, findings = discover(ws.template_dirs, ws.display)
    for t in templates:
        mark = "default" if t.file.resolve().is_relative_to(DEFAULT_TEMPLATES) else "override"
        expand = f" (one per {t.meta.expand})" if t.meta and t.meta.expand else ""
        print(f"{t.relpath:55} {mark:8} {t.meta.type if t.meta else '?':16}{expand}")
    Findings(findings).report(sys.stderr)
    return Findings(findings).exit_code()


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="smsgen", description="Generate, control and publish an ISO 28000 SMS "
                                                           "documentation set from organisation data.")
    p.add_argument("-C", "--workspace", default=".", metavar="DIR", help="workspace directory (default: .)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("check", help="validate data and templates, render every document and run the checks")
    s.add_argument("--format", choices=("text", "json"), default="text",
                   help="json: machine-readable findings on standard output")
    s.set_defaults(func=cmd_check)
    s = sub.add_parser("build", help="write docs/ and build the site into site/")
    s.add_argument("--no-site", action="store_true", help="write the Markdown pages only")
    s.add_argument("--controlled", action="store_true",
                   help="fail unless every document is approved and unchanged since approval")
    s.add_argument("--audience", metavar="NAME", help="publish only documents this audience may see "
                   "(audiences in data/documents.yml, e.g. employees)")
    s.add_argument("--site-dir", metavar="DIR", help="where to build the site (default: site/)")
    s.add_argument("--docx", action="store_true", help="also write dist/docx/<ID>.docx for every document")
    s.add_argument("--pdf", action="store_true", help="also write dist/pdf/<ID>.pdf for every document")
    s.add_argument("--packs", action="store_true", help="with --pdf: also the combined manual pack and full set")
    s.add_argument("--all", action="store_true", help="site, DOCX, PDF and the combined packs")
    s.set_defaults(func=cmd_build)

    def lifecycle(name: str, help_: str, *extra: tuple[str, dict]):
        c = sub.add_parser(name, help=help_)
        c.add_argument("ids", nargs="*", metavar="ID", help="document IDs (or template keys)")
        c.add_argument("--type", action="append", metavar="TYPE", help="every document of a type (repeatable)")
        c.add_argument("--all", action="store_true", help="every document")
        c.add_argument("--by", required=True, metavar="PERSON", help="person id from data/people.yml")
        for flag, options in extra:
            c.add_argument(flag, **options)
        c.set_defaults(func=cmd_lifecycle)

    lifecycle("submit", "submit drafts for approval (freezes their content)", ("--comment", {"default": ""}))
    lifecycle("approve", "approve documents in review; records the fingerprint of the approved content",
              ("--comment", {"default": ""}), ("--effective", {"metavar": "YYYY-MM-DD", "help": "default: today"}))
    lifecycle("reject", "return documents in review to draft", ("--comment", {"required": True}))
    lifecycle("revise", "open the next revision of approved documents", ("--change", {"required": True}))
    lifecycle("withdraw", "make documents obsolete", ("--reason", {"required": True}))
    s = sub.add_parser("status", help="revision, status and review dates of documents")
    s.add_argument("ids", nargs="*", metavar="ID")
    s.add_argument("--type", action="append", metavar="TYPE")
    s.set_defaults(func=cmd_status)
    s = sub.add_parser("review-due", help="documents overdue or due for periodic review")
    s.add_argument("--within", type=int, default=30, metavar="DAYS", help="look-ahead (default 30 days)")
    s.set_defaults(func=cmd_review_due)
    s = sub.add_parser("verify", help="check the audit log's hash chain and that it explains the register")
    s.set_defaults(func=cmd_verify)
    s = sub.add_parser("master-list", help="export the master document list as CSV and/or XLSX")
    s.add_argument("--csv", metavar="FILE")
    s.add_argument("--xlsx", metavar="FILE")
    s.set_defaults(func=cmd_master_list)
    s = sub.add_parser("pack", help="write the Stage 1 handover pack (refused unless everything is approved)")
    s.add_argument("kind", choices=("stage1",))
    s.add_argument("--out", metavar="FILE", help="default: dist/PREFIX-stage1-VERSION.zip")
    s.add_argument("--include-restricted", action="store_true",
                   help="include restricted documents (by default they are listed for on-site review)")
    s.set_defaults(func=cmd_pack)
    s = sub.add_parser("verify-pack", help="check every file of a pack against its manifest")
    s.add_argument("file")
    s.set_defaults(func=cmd_verify_pack)
    s = sub.add_parser("release", help="release the controlled site as VERSION (alias latest) with mike")
    s.add_argument("version")
    s.add_argument("--by", required=True, metavar="PERSON")
    s.add_argument("--audience", metavar="NAME", help="release the site of one audience (e.g. employees)")
    s.set_defaults(func=cmd_release)
    s = sub.add_parser("publish", help="export every released version as a static site")
    s.add_argument("--to", required=True, metavar="DIR")
    s.set_defaults(func=cmd_publish)
    s = sub.add_parser("schema", help="write the JSON Schema of every data file (for editor completion)")
    s.add_argument("--out", metavar="DIR", help="directory (default: data/.schema)")
    s.set_defaults(func=cmd_schema)
    s = sub.add_parser("init", help="create a new workspace from the reference organisation")
    s.add_argument("directory")
    s.set_defaults(func=cmd_init)
    s = sub.add_parser("serve", help="serve the site locally, regenerating on any change to data or templates")
    s.add_argument("--dev-addr", default="127.0.0.1:8000", metavar="HOST:PORT")
    s.set_defaults(func=cmd_serve)
    s = sub.add_parser("templates", help="list the templates in use and which ones the workspace overrides")
    s.set_defaults(func=cmd_templates)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    ws = Workspace.at(args.workspace)
    if args.command != "init" and not ws.root.is_dir():
        print(f"{args.workspace}: workspace directory does not exist", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        return args.func(ws, args)
    except UserError as exc:
        exc.findings.report(sys.stderr)
        return exc.findings.exit_code()
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
