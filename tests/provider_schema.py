"""What the modules and examples use of hashicorp/aws, and whether a provider version has it.

`usages()` reads .tf files with python-hcl2 and lists every resource and data source type, every
argument and nested block set in them (by block path: `statement.principals.identifiers`), every
attribute read through a reference (`data.aws_region.current.name`) and every argument and block
of `provider "aws"` blocks, each with its file and line. The checks compare those with a provider
digest (scripts/provider_schemas.py) and with pulumi-aws's deprecation markers, and return one
line per problem: `file:line: what: problem`.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2
from hcl2.utils import SerializationOptions

# Arguments and blocks of every resource and data block that belong to the language, not the provider.
META_ARGUMENTS = {"count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection"}
PROVIDER_META_ARGUMENTS = {"alias", "version"}
_HCL_KEYS = {"__is_block__", "__comments__", "__inline_comments__", "__start_line__", "__end_line__"}
HCL_BLOCK = re.compile(r"^```(?:hcl|terraform)\n(.*?)^```", re.MULTILINE | re.DOTALL)
REFERENCE = re.compile(r"(?<![\w.])(data\.)?(aws_[a-z0-9_]+)\.([A-Za-z_][\w-]*)((?:\[[^\]]*\])*)\.([a-z_][a-z0-9_]*)")


@dataclass(frozen=True)
class Usage:
    """One thing used: `kind` "resource", "data" or "provider"; `type` like "aws_iam_role" ("aws" for the
    provider); `path` the nested blocks down to `name` ("" for the type itself); `what` "type",
    "argument", "block" or "attribute"."""

    file: Path
    line: int
    kind: str
    type: str
    path: tuple[str, ...]
    name: str
    what: str

    def describe(self, root: Path | None = None) -> str:
        where = self.file.relative_to(root) if root and self.file.is_relative_to(root) else self.file
        prefix = "data." if self.kind == "data" else ""
        dotted = ".".join((*self.path, self.name)) if self.name else ""
        subject = f"{prefix}{self.type}" if self.what == "type" else f"{self.what} {dotted} of {prefix}{self.type}"
        if self.kind == "provider":
            subject = f'{self.what} {dotted} of provider "aws"'
        return f"{where}:{self.line}: {subject}"


def _unquote(label: str) -> str:
    return label[1:-1] if len(label) >= 2 and label[0] == label[-1] == '"' else label


class _Lines:
    """Line numbers in a file's text, found by searching forward from a block's own line."""

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def find(self, pattern: str, start: int = 1) -> int:
        compiled = re.compile(pattern)
        for number in range(start, len(self.lines) + 1):
            if compiled.search(self.lines[number - 1]):
                return number
        return start


def _walk_body(body: dict[str, Any], usage: dict[str, Any], lines: _Lines, line: int, path: tuple[str, ...]) -> Iterator[Usage]:
    for key, value in body.items():
        if key in _HCL_KEYS or (not path and key in usage["skip"]):
            continue
        if key == "dynamic":
            for dynamic in value:
                for label, spec in dynamic.items():
                    name = _unquote(label)
                    here = lines.find(rf'^\s*dynamic\s+"{re.escape(name)}"', line)
                    yield Usage(usage["file"], here, usage["kind"], usage["type"], path, name, "block")
                    for content in spec.get("content", []):
                        yield from _walk_body(content, usage, lines, here, (*path, name))
            continue
        blocks = value if isinstance(value, list) and value and all(isinstance(item, dict) and item.get("__is_block__") for item in value) else None
        if blocks is not None:
            here = lines.find(rf"^\s*{re.escape(key)}\s*\{{", line)
            yield Usage(usage["file"], here, usage["kind"], usage["type"], path, key, "block")
            for block in blocks:
                yield from _walk_body(block, usage, lines, here, (*path, key))
        else:
            yield Usage(usage["file"], lines.find(rf"^\s*{re.escape(key)}\s*=", line), usage["kind"], usage["type"], path, key, "argument")


def _expressions(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in _HCL_KEYS:
                yield from _expressions(item)
    elif isinstance(value, list):
        for item in value:
            yield from _expressions(item)


def usages_in(file: Path) -> list[Usage]:
    """Usages in a .tf file, or in the ```hcl blocks of a Markdown file (lines counted in the file)."""
    text = file.read_text(encoding="utf-8")
    if file.suffix != ".md":
        return _usages_in_text(file, text)
    found = []
    for block in HCL_BLOCK.finditer(text):
        offset = text[: block.start(1)].count("\n")
        found += [
            Usage(usage.file, usage.line + offset, usage.kind, usage.type, usage.path, usage.name, usage.what)
            for usage in _usages_in_text(file, block.group(1))
        ]
    return found


def _usages_in_text(file: Path, text: str) -> list[Usage]:
    try:
        parsed = hcl2.loads(text, serialization_options=SerializationOptions(with_comments=False))
    except Exception as error:
        raise ValueError(f"{file}: python-hcl2 cannot parse {text[:80]!r}...: {error}") from error
    lines = _Lines(text)
    found: list[Usage] = []
    for kind in ("resource", "data"):
        for entry in parsed.get(kind, []):
            for type_label, named in entry.items():
                resource_type = _unquote(type_label)
                for name_label, body in named.items():
                    line = lines.find(rf'^\s*{kind}\s+"{re.escape(resource_type)}"\s+"{re.escape(_unquote(name_label))}"')
                    usage = {"file": file, "kind": kind, "type": resource_type, "skip": META_ARGUMENTS}
                    found.append(Usage(file, line, kind, resource_type, (), "", "type"))
                    found += _walk_body(body, usage, lines, line, ())
    for entry in parsed.get("provider", []):
        for label, body in entry.items():
            if _unquote(label) == "aws":
                line = lines.find(r'^\s*provider\s+"aws"')
                found += _walk_body(body, {"file": file, "kind": "provider", "type": "aws", "skip": PROVIDER_META_ARGUMENTS}, lines, line, ())
    seen: set[tuple[str, ...]] = set()
    for expression in _expressions(parsed):
        for match in REFERENCE.finditer(expression):
            data, resource_type, _name, _index, attribute = match.groups()
            key = (match.group(0),)
            if key in seen:
                continue
            seen.add(key)
            line = lines.find(re.escape(match.group(0).split("[")[0]))
            found.append(Usage(file, line, "data" if data else "resource", resource_type, (), attribute, "attribute"))
    return found


def usages(folders: Iterable[Path]) -> list[Usage]:
    """Usages in every .tf file and README.md under `folders`."""
    files = sorted(
        path for folder in folders for pattern in ("*.tf", "README.md") for path in folder.rglob(pattern)
        if not {".terraform", "cdktf.out"} & set(path.parts)
    )
    return [usage for file in files for usage in usages_in(file)]


# --- checks against a provider digest -----------------------------------------------------------


def _schema_block(digest: dict[str, Any], usage: Usage) -> dict[str, Any] | None:
    block = digest["provider"] if usage.kind == "provider" else digest[usage.kind].get(usage.type)
    for name in usage.path:
        if block is None:
            return None
        block = block["blocks"].get(name)
    return block


def missing(usages: Iterable[Usage], digest: dict[str, Any], root: Path | None = None) -> list[str]:
    """Usages the provider of `digest` does not have (or has only as the other of argument and block)."""
    version = digest["provider_version"]
    problems = []
    for usage in usages:
        block = _schema_block(digest, usage)
        if block is None:
            if usage.what == "type" or not usage.path:
                problems.append(f"{usage.describe(root)}: hashicorp/aws {version} has no {usage.kind} {usage.type}")
            continue  # the missing parent block is reported on its own
        if usage.what == "argument" and usage.name not in block["arguments"]:
            also = " (it is a block there)" if usage.name in block["blocks"] else ""
            problems.append(f"{usage.describe(root)}: hashicorp/aws {version} has no such argument{also}")
        elif usage.what == "block" and usage.name not in block["blocks"]:
            also = " (it is an argument there)" if usage.name in block["arguments"] else ""
            problems.append(f"{usage.describe(root)}: hashicorp/aws {version} has no such block{also}")
        elif usage.what == "attribute" and usage.name not in block["attributes"]:
            problems.append(f"{usage.describe(root)}: hashicorp/aws {version} has no such attribute")
        if usage.name and usage.name in block["deprecated"]:
            problems.append(f"{usage.describe(root)}: deprecated in hashicorp/aws {version}")
    return problems


def type_mismatches(usages: Iterable[Usage], first: dict[str, Any], second: dict[str, Any], root: Path | None = None) -> list[str]:
    """Arguments used whose type differs between the providers of two digests."""
    problems = []
    for usage in usages:
        if usage.what != "argument":
            continue
        types = [(_schema_block(digest, usage) or {}).get("arguments", {}).get(usage.name) for digest in (first, second)]
        if None not in types and types[0] != types[1]:
            problems.append(
                f"{usage.describe(root)}: {types[0]} in hashicorp/aws {first['provider_version']}, "
                f"{types[1]} in {second['provider_version']}"
            )
    return problems


# --- pulumi-aws's deprecation markers -----------------------------------------------------------

# Terraform type -> pulumi-aws Python module, where the rule of `pulumi_module_candidates` misses.
# Types pulumi-aws files under another service than their name says.
PULUMI_MODULES: dict[str, str] = {"aws_security_group": "pulumi_aws/ec2/security_group.py"}
_DECORATED = re.compile(r'@_utilities\.deprecated\("""(.*?)"""\)\s*\n\s*def (\w+)\(', re.DOTALL)
_WARNED = re.compile(r'pulumi\.log\.warn\("""(\w+) is deprecated: (.*?)"""\)', re.DOTALL)
_DOCUMENTED = re.compile(r"The `(\w+)` (?:argument|attribute|block) is deprecated\.([^\n]*)")
_WHOLE = re.compile(r'^warnings\.warn\("""(.*?)""", DeprecationWarning\)', re.DOTALL | re.MULTILINE)


def pulumi_module_candidates(kind: str, resource_type: str) -> list[str]:
    """pulumi-aws puts `aws_iam_role` in pulumi_aws/iam/role.py, data `aws_iam_policy_document` in
    pulumi_aws/iam/get_policy_document.py and data `aws_region` in pulumi_aws/get_region.py."""
    if resource_type in PULUMI_MODULES:
        return [PULUMI_MODULES[resource_type]]
    parts = resource_type.removeprefix("aws_").split("_")
    prefix = "get_" if kind == "data" else ""
    candidates = [f"pulumi_aws/{'_'.join(parts[:cut])}/{prefix}{'_'.join(parts[cut:])}.py" for cut in range(1, len(parts))]
    return [*candidates, f"pulumi_aws/{prefix}{'_'.join(parts)}.py"]


def _plurals(name: str) -> set[str]:
    # pulumi names list blocks and list arguments in the plural (inline_policy -> inline_policies).
    return {name, f"{name}s", f"{name}es", f"{name[:-1]}ies" if name.endswith("y") else name}


class PulumiMarkers:
    """The deprecation markers pulumi-aws bridges from the provider, read from its wheel in place."""

    def __init__(self, wheel: Path):
        self.wheel = wheel
        self._archive = zipfile.ZipFile(wheel)
        self._names = set(self._archive.namelist())
        self._cache: dict[tuple[str, str], tuple[str, dict[str, str], str | None] | None] = {}

    def markers(self, kind: str, resource_type: str) -> tuple[str, dict[str, str], str | None] | None:
        """(module path, deprecated name -> message, message when the whole type is deprecated), or None."""
        key = (kind, resource_type)
        if key not in self._cache:
            module = next((path for path in pulumi_module_candidates(kind, resource_type) if path in self._names), None)
            if module is None:
                self._cache[key] = None
            else:
                text = self._archive.read(module).decode("utf-8")
                names: dict[str, str] = {}
                for message, name in _DECORATED.findall(text):
                    names.setdefault(name, " ".join(message.split()))
                for name, message in _WARNED.findall(text):
                    names.setdefault(name, " ".join(message.split()))
                for name, rest in _DOCUMENTED.findall(text):
                    names.setdefault(name, f"The `{name}` argument is deprecated.{rest}".strip())
                whole = _WHOLE.search(text)
                self._cache[key] = (module, names, " ".join(whole.group(1).split()) if whole else None)
        return self._cache[key]

    def problems(self, usages: Iterable[Usage], root: Path | None = None) -> list[str]:
        found = []
        for usage in usages:
            if usage.kind == "provider":
                continue
            markers = self.markers(usage.kind, usage.type)
            if markers is None:
                if usage.what == "type":
                    found.append(
                        f"{usage.describe(root)}: no pulumi-aws module among {pulumi_module_candidates(usage.kind, usage.type)} "
                        f"in {self.wheel.name}: add it to PULUMI_MODULES in tests/provider_schema.py"
                    )
                continue
            module, names, whole = markers
            if usage.what == "type" and whole:
                found.append(f"{usage.describe(root)}: deprecated ({module} in {self.wheel.name}): {whole}")
            if usage.path or usage.what == "type":
                continue  # nested blocks' markers live in other classes; only top-level names are matched
            hit = next((names[name] for name in sorted(_plurals(usage.name)) if name in names), None)
            if hit:
                found.append(f"{usage.describe(root)}: deprecated ({module} in {self.wheel.name}): {hit}")
        return found
