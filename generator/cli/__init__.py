"""The command line: parser.py wires commands to handlers in commands/; boundary.py turns failures into findings."""
from generator.cli.main import main, run

__all__ = ["main", "run"]
