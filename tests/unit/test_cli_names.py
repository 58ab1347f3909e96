"""The names the command line offers come from light tables (so that every command starts quickly); each table
agrees with the registry or models it names."""
from __future__ import annotations

from generator.control import signing
from generator.model.record_files import KINDS, RECORD_FILE_NAMES
from generator.model.records import RECORD_FILES
from generator.publish.export.registry import EXPORTERS
from generator.publish.formats import FORMATS
from generator.publish.options import BuildOptions
from generator.publish.site.names import BACKEND_NAMES, DEFAULT_BACKEND
from generator.publish.site.registry import SITE_BACKENDS


def test_the_formats_are_the_exporters_with_their_labels():
    assert {name: exporter.label for name, exporter in EXPORTERS.items()} == FORMATS


def test_the_backend_names_are_the_registered_backends():
    assert tuple(SITE_BACKENDS) == BACKEND_NAMES and DEFAULT_BACKEND in BACKEND_NAMES
    assert BuildOptions().site_backend == DEFAULT_BACKEND


def test_every_record_file_has_its_model_in_load_order():
    assert tuple(RECORD_FILES) == RECORD_FILE_NAMES
    assert list(KINDS.values()) == list(RECORD_FILE_NAMES) and "audits" in KINDS


def test_the_signing_code_reads_the_key_from_the_variable_the_help_names():
    assert signing.KEY_ENV == "SMSGEN_SIGNING_KEY"
