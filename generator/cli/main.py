"""`smsgen`: parse the arguments, find the workspace, run the command inside the one exception boundary."""
from __future__ import annotations

import importlib
import sys

from generator.base.findings import EXIT_BAD_INPUT
from generator.base.workspace import Workspace
from generator.cli.boundary import guarded
from generator.cli.parser import parser

NEEDS_NO_WORKSPACE = {"init", "completion"}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser().parse_args(argv)
    ws = Workspace.at(args.workspace)
    if args.command not in NEEDS_NO_WORKSPACE and not ws.root.is_dir():
        print(f"{args.workspace}: workspace directory does not exist", file=sys.stderr)
        return EXIT_BAD_INPUT
    module, function = args.handler.split(":")

    def command() -> int:
        handler = getattr(importlib.import_module(f"generator.cli.commands.{module}"), function)
        return int(handler(ws, args))

    return guarded(command, argv)


if __name__ == "__main__":
    sys.exit(main())
