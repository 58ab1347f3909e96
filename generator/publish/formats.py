"""The output formats smsgen can write, by name, and how help texts and download links name them. Kept apart from
the exporters (registry.py) so that the command line can offer `--docx` and `--pdf` without loading pandoc, typst
and python-docx."""
from __future__ import annotations

FORMATS = {"docx": "DOCX", "pdf": "PDF"}
