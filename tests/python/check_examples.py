"""Every example of the OpenAPI document is valid against the schema it illustrates
(`cargo xtask python-client` runs this): an example a generator or a reader copies must be
one the server could send or accept."""

import json
import sys

import jsonschema

document = json.load(open(sys.argv[1], encoding="utf-8"))
registry_root = {"components": document["components"]}
problems = []
checked = 0


def check(where: str, schema: dict, example) -> None:
    global checked
    checked += 1
    validator = jsonschema.Draft202012Validator(
        {**schema, "components": document["components"]},
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )
    for error in validator.iter_errors(example):
        problems.append(f"{where}: {error.message} at {list(error.absolute_path)}")


for path, item in document["paths"].items():
    for method, operation in item.items():
        where = f"{method.upper()} {path}"
        bodies = [("request", operation.get("requestBody", {}).get("content", {}))]
        bodies += [
            (f"response {status}", response.get("content", {}))
            for status, response in operation["responses"].items()
        ]
        for name, content in bodies:
            for media_type, media in content.items():
                if "example" in media and "schema" in media:
                    check(f"{where} {name} {media_type}", media["schema"], media["example"])
for name, schema in document["components"]["schemas"].items():
    if "example" in schema:
        check(f"schema {name}", schema, schema["example"])

if problems:
    print("examples that break their schema:\n" + "\n".join(problems), file=sys.stderr)
    sys.exit(1)
print(f"python client: {checked} examples match their schemas")
