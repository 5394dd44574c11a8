"""Stripe's OpenAPI schemas for the pinned API version (schemas.json; trim.py says where they come
from and how to rebuild them), as JSON Schema: ``problems(obj)`` lists what is wrong with an object,
a list, an event (and the object it carries) or an error body that the fake Stripe sent."""

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator

SPEC = json.loads(Path(__file__).with_name("schemas.json").read_text())
API_VERSION = SPEC["api_version"]
LIST_KEYS = {"object", "data", "has_more", "url"}


def to_json_schema(node):
    """OpenAPI 3.0 to JSON Schema: ``nullable`` allows null, an object allows only the properties the
    spec lists (so a field Stripe dropped is an error), and references point into ``$defs``."""
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    schema = {key: to_json_schema(value) for key, value in node.items() if key != "nullable"}
    if "$ref" in schema:
        schema["$ref"] = "#/$defs/" + schema["$ref"].rsplit("/", 1)[-1]
    if "properties" in schema and "additionalProperties" not in schema:
        schema["additionalProperties"] = False
    return {"anyOf": [schema, {"type": "null"}]} if node.get("nullable") else schema


@cache
def validator(name: str) -> Draft202012Validator:
    definitions = {key: to_json_schema(value) for key, value in SPEC["schemas"].items()}
    return Draft202012Validator({"$defs": definitions, "$ref": f"#/$defs/{name}"})


def problems(obj: dict) -> list[str]:
    """Everything in ``obj`` that Stripe's spec does not allow, one line each; [] if it matches."""
    kind = "error" if set(obj) == {"error"} else obj.get("object")
    if kind == "list":
        extra = [f"list: unexpected keys {sorted(set(obj) - LIST_KEYS)}"] if set(obj) != LIST_KEYS else []
        return extra + [problem for item in obj["data"] for problem in problems(item)]
    if kind not in SPEC["schemas"]:
        return [f"{kind}: no schema in tests/stripe_spec/schemas.json"]
    found = [
        f"{kind} {obj.get('id', '')} at /{'/'.join(map(str, error.absolute_path))}: {error.message[:300]}"
        for error in validator(kind).iter_errors(obj)
    ]
    if kind == "event":
        found += problems(obj["data"]["object"])
    return found
