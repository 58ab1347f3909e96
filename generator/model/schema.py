"""JSON Schema of every data file, so editors (via the yaml-language-server line) complete and check the YAML."""
from __future__ import annotations

import json
from pathlib import Path

from generator.base.files import write_if_changed
from generator.model.datafiles import DATA_FILES, OPTIONAL_DATA_FILES


def schemas() -> dict[str, dict]:
    out = {}
    for name, root_model in (DATA_FILES | OPTIONAL_DATA_FILES).items():
        schema = root_model.model_json_schema()
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        schema["title"] = f"smsgen data file {name}"
        out[Path(name).stem] = schema
    return out


def write_schemas(schema_dir: Path) -> list[Path]:
    written = []
    for stem, schema in schemas().items():
        path = schema_dir / f"{stem}.schema.json"
        write_if_changed(path, json.dumps(schema, indent=2, sort_keys=True) + "\n")
        written.append(path)
    return written
