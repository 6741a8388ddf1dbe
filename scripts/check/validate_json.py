#!/usr/bin/python3
"""validate_json.py SCHEMA FILE [--lines]: validate FILE (one JSON document, or with --lines one
per non-empty line: JSON Lines) against the draft-04 JSON schema SCHEMA with Debian's
python3-jsonschema. Prints each violation as FILE[:LINE]: PATH: MESSAGE; exits 1 if any, 0 if
none, 2 if the schema or the file cannot be read."""
import json
import sys

try:
    import jsonschema
except ImportError:
    print("validate_json: python3-jsonschema is not installed (make deps)", file=sys.stderr)
    sys.exit(2)


def main(argv):
    if len(argv) < 3 or len(argv) > 4 or (len(argv) == 4 and argv[3] != "--lines"):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            schema = json.load(f)
        jsonschema.Draft4Validator.check_schema(schema)
        with open(argv[2], encoding="utf-8") as f:
            text = f.read()
    except (OSError, ValueError, jsonschema.SchemaError) as e:
        print(f"validate_json: {e}", file=sys.stderr)
        return 2
    v = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    if len(argv) == 4:
        docs = [(f"{argv[2]}:{i}", line) for i, line in enumerate(text.split("\n"), 1) if line.strip()]
    else:
        docs = [(argv[2], text)]
    bad = 0
    for where, doc in docs:
        try:
            inst = json.loads(doc)
        except ValueError as e:
            print(f"{where}: not JSON: {e}")
            bad += 1
            continue
        for err in sorted(v.iter_errors(inst), key=lambda e: list(e.absolute_path)):
            path = "/".join(str(p) for p in err.absolute_path) or "(root)"
            print(f"{where}: {path}: {err.message[:300]}")
            bad += 1
    if not docs:
        print(f"{argv[2]}: empty")
        bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
