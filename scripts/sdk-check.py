"""Runs the generated Python SDK under Pulumi's mocks (scripts/sdk.sh check).

usage: sdk-check.py SCHEMA   (with the pulumi package and the generated SDK installed)

For every resource of the schema: its class constructs with every input given a value built from the schema,
registers with exactly the schema's type token, and returns every secret property as a secret output.
"""

import asyncio
import importlib
import inspect
import json
import os
import sys

import pulumi

schema = json.load(open(sys.argv[1]))
info = schema.get("language", {}).get("python", {})
sdk = importlib.import_module(info.get("packageName") or "pulumi_" + schema["name"].replace("-", "_"))


def resolve(ref):
    return schema["types"][ref.split("/")[-1]]


def sample(prop, depth=0):
    """A value of the property's type: every property of an object, the first member of a union or enum."""
    if "$ref" in prop:
        if not prop["$ref"].startswith("#/types/"):
            return "x"  # pulumi.json#/Any and the other built-in types
        target = resolve(prop["$ref"])
        if "enum" in target:
            return target["enum"][0]["value"]
        if depth > 3:
            return {}
        return {k: sample(v, depth + 1) for k, v in target.get("properties", {}).items()}
    if "oneOf" in prop:
        return sample(prop["oneOf"][0], depth)
    kind = prop.get("type")
    if kind == "array":
        return [sample(prop["items"], depth)]
    if kind == "object":
        return {"key": sample(prop.get("additionalProperties", {"type": "string"}), depth)}
    return {"string": "x", "integer": 1, "number": 1.5, "boolean": True}[kind]


def squash(name):
    return name.replace("_", "").lower()


registered = []


class Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args):
        registered.append(args.typ)
        return args.name + "-id", args.inputs

    def call(self, args):
        return {}


# The mocks bind to the loop that is current when they are set.
loop = asyncio.new_event_loop()
asyncio.set_event_loop(loop)
pulumi.runtime.set_mocks(Mocks(), preview=False)
failures = []


def check(token, spec):
    name = token.split(":")[-1]
    cls = getattr(sdk, name, None)
    if not (inspect.isclass(cls) and issubclass(cls, pulumi.CustomResource)):
        failures.append(f"{token}: no resource class {name}")
        return []
    params = {squash(p): p for p in inspect.signature(getattr(sdk, name + "Args").__init__).parameters}
    inputs = spec.get("inputProperties", {})
    missing = [k for k in inputs if squash(k) not in params]
    if missing:
        failures.append(f"{token}: {name}Args lacks {missing}")
        return []
    res = cls("r-" + name, **{params[squash(k)]: sample(v) for k, v in inputs.items()})
    checks = []
    for prop, pspec in spec.get("properties", {}).items():
        if not pspec.get("secret"):
            continue
        attr = next((a for a in dir(cls) if squash(a) == squash(prop)), None)
        if attr is None:
            failures.append(f"{token}: no attribute for the secret output {prop}")
            continue

        async def secret(prop=prop, out=getattr(res, attr)):
            if not await out.is_secret():
                failures.append(f"{token}: the output {prop} is not a secret")

        checks.append(secret())
    return checks


async def main():
    pending = []
    for token, spec in schema["resources"].items():
        pending += check(token, spec)
    await asyncio.gather(*pending)
    # Let the registrations reach the mock monitor.
    await asyncio.sleep(0)
    while len(registered) < len(schema["resources"]) and not failures:
        await asyncio.sleep(0.05)


loop.run_until_complete(main())
expected = sorted(schema["resources"])
if sorted(registered) != expected and not failures:
    failures.append(f"registered {sorted(registered)}, the schema has {expected}")
if failures:
    print("\n".join(failures), file=sys.stderr)
    sys.stderr.flush()
    os._exit(1)
secrets = sum(1 for r in schema["resources"].values() for p in r.get("properties", {}).values() if p.get("secret"))
print(f"python sdk: {len(expected)} resources registered with their tokens, {secrets} secret outputs secret", file=sys.stderr)
sys.stderr.flush()
# Skips interpreter teardown, where the pulumi runtime's own event loop fails to close (noise, not a result).
os._exit(0)
