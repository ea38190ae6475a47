#!/usr/bin/env python3
"""Checks a STIX 2.1 bundle (argv[1]) against tests/integration/stix21_bundle.schema.json
with python3-jsonschema, plus the rules a schema cannot say: unique ids, every *_ref
points at an object of the bundle, modified >= created, last_observed >= first_observed.
Prints one line per problem; exit 0 when there is none."""
import json
import pathlib
import sys

import jsonschema

schema = json.loads((pathlib.Path(__file__).parent / "stix21_bundle.schema.json").read_text())
bundle = json.loads(pathlib.Path(sys.argv[1]).read_text(encoding="utf-8"))
validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(bundle)]
objects = bundle.get("objects", []) if isinstance(bundle, dict) else []
ids = [o.get("id") for o in objects if isinstance(o, dict)]
if len(ids) != len(set(ids)):
    problems.append("duplicate ids")
known = set(ids)
for o in objects:
    if not isinstance(o, dict):
        continue
    refs = [v for k, v in o.items() if k.endswith("_ref")]
    refs += [r for k, v in o.items() if k.endswith("_refs") for r in v]
    for r in refs:
        if r not in known and not r.startswith("marking-definition--"):
            problems.append(f"{o.get('id')}: dangling reference {r}")
    if o.get("modified", "") < o.get("created", ""):
        problems.append(f"{o.get('id')}: modified before created")
    if o.get("last_observed", "") < o.get("first_observed", ""):
        problems.append(f"{o.get('id')}: last_observed before first_observed")
for p in problems:
    print(p)
print(f"checked {len(objects)} objects, {len(problems)} problems")
sys.exit(1 if problems else 0)
