"""The command line: parser.py wires commands to handlers in commands/; boundary.py turns failures into findings."""
from generator.cli.main import main

__all__ = ["main"]
