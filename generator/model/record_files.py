"""The files of records under data/records/, by kind (a file's stem: `smsgen records import audits`), in the order
they load. Kept apart from their models so that the command line can offer the kinds without loading pydantic."""
from __future__ import annotations

from pathlib import Path

RECORD_FILE_NAMES = (
    "records/audits.yml",
    "records/management_reviews.yml",
    "records/corrective_actions.yml",
    "records/incidents.yml",
    "records/exercises.yml",
    "records/training.yml",
    "records/partner_reviews.yml",
    "records/measurements.yml",
    "records/external_audits.yml",
)
KINDS = {Path(name).stem: name for name in RECORD_FILE_NAMES}
