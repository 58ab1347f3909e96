"""`smsgen`: parse the arguments, find the workspace, run the command inside the one exception boundary."""
from __future__ import annotations

import gc
import sys

from generator.base.findings import EXIT_BAD_INPUT
from generator.base.late import late
from generator.base.workspace import Workspace
from generator.cli.boundary import guarded
from generator.cli.parser import parser

NEEDS_NO_WORKSPACE = {"init", "completion"}


def handler_of(spec: str):
    """`module:function` under generator.cli.commands, imported only now (see parser.py)."""
    return late(f"generator.cli.commands.{spec}")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser().parse_args(argv)
    ws = Workspace.at(args.workspace)
    if args.command not in NEEDS_NO_WORKSPACE and not ws.root.is_dir():
        print(f"{args.workspace}: workspace directory does not exist", file=sys.stderr)
        return EXIT_BAD_INPUT

    def command() -> int:
        # a command's quick answer, when it has one, comes from a module that loads little (a build with nothing to
        # do); None from it means the command's own handler, and everything that imports, is needed
        quick = getattr(args, "quick", None)
        if quick is not None and (answer := handler_of(quick)(ws, args)) is not None:
            return int(answer)
        return int(handler_of(args.handler)(ws, args))

    return guarded(command, argv)


# Python collects cycles every 700 new objects by default, and every tenth collection walks the older objects too: a
# build makes millions that live to its end (the model, the rendered set, MkDocs' pages), walked again and again
# (a one-document change on the ~1000 set: 540 collections, 0.13 s; with these thresholds 33, 0.06 s).
COLLECTION_THRESHOLDS = (10_000, 20, 20)


def run() -> None:
    """The `smsgen` program: the command, then the end of the process. Its objects are about to go with it, so they
    are kept out of the collections Python runs as it shuts down, which would examine every one of them only to free
    them (70 ms after a one-document change on 100 documents). Not in `main`: a process that goes on (the tests)
    needs them collected, at Python's own pace."""
    gc.set_threshold(*COLLECTION_THRESHOLDS)
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    run()
