"""Redlines between revisions: the diff (diff.py), what is compared (compare.py), the AST views (ast.py), the PDF
and DOCX (outputs.py) and the site page (site.py)."""
