"""The outputs of a build in each registered format (DOCX, PDF ...) and the combined PDF packs: planned and converted
in plan.py, each format an Exporter (base.py, registry.py), run in parallel by scheduler.py. This package file
imports nothing: a conversion worker loads only the modules its conversion needs, not the planning (which loads the
organisation's model)."""
