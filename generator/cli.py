"""Command line: `python -m generator render|check|validate|diff|schema`.

Exit codes: 0 success, 1 differences found (`check`), 2 bad input (spec, paths or options).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from generator.errors import EmrIamError

DEFAULT_SPEC = "specs/platform.yaml"
DEFAULT_OUT = "modules"

EXAMPLES = {
    "render": "example: python -m generator render --spec specs/platform.yaml --out modules",
    "check": "example: python -m generator check --spec specs/platform.yaml --out modules  # exit 1 when stale",
    "validate": "example: python -m generator validate --spec specs/platform.yaml",
    "diff": "example: python -m generator diff --spec specs/platform.yaml --out modules | less",
    "schema": "example: python -m generator schema > specs/emr-iam-spec.schema.json",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="emr-iam",
        description="Render Terraform modules for Amazon EMR's IAM roles from one YAML spec.",
        epilog="exit codes: 0 ok, 1 differences (check), 2 bad input",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    helps = {
        "render": "write the modules the spec describes (only changed files)",
        "check": "exit 1 and list stale files when the modules differ from the spec",
        "validate": "validate the spec and the IAM limits; write nothing",
        "diff": "print a unified diff of what render would change; write nothing",
        "schema": "print the JSON Schema of the spec",
    }
    for name, text in helps.items():
        command = commands.add_parser(name, help=text, description=text, epilog=EXAMPLES[name],
                                      formatter_class=argparse.RawDescriptionHelpFormatter)
        if name != "schema":
            command.add_argument("--spec", default=DEFAULT_SPEC, help=f"spec file (default: {DEFAULT_SPEC})")
        if name in ("render", "check", "diff"):
            command.add_argument("--out", default=DEFAULT_OUT, help=f"output folder (default: {DEFAULT_OUT})")
            command.add_argument("--templates", default=None, help="folder of templates searched before the shipped ones")
        if name in ("render", "check"):
            command.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except EmrIamError as error:
        print(f"emr-iam: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("emr-iam: interrupted", file=sys.stderr)
        return 130


def _run(args: argparse.Namespace) -> int:
    from generator.render import diff, render
    from generator.spec import Spec, read_spec

    if args.command == "schema":
        print(json.dumps(Spec.model_json_schema(), indent=2, sort_keys=True))
        return 0
    if args.command == "validate":
        from generator.model import resolve

        source = read_spec(args.spec)
        resolve(source)
        print(f"{args.spec}: valid ({len(source.spec.teams)} teams)")
        return 0
    if args.command == "diff":
        sys.stdout.write(diff(args.spec, args.out, args.templates))
        return 0
    dry_run = args.command == "check"
    changes = render(args.spec, args.out, dry_run=dry_run, user_templates=args.templates)
    if dry_run:
        if changes.stale:
            print(f"{args.out}: {len(changes.stale)} files are stale against {args.spec}; run `make modules`:", file=sys.stderr)
            for relative in changes.stale:
                print(f"  {args.out}/{relative}", file=sys.stderr)
            return 1
        if not args.quiet:
            print(f"{args.out}: up to date with {args.spec}")
        return 0
    if not args.quiet:
        print(f"{args.out}: {len(changes.written)} written, {len(changes.removed)} removed, {changes.unchanged} unchanged")
    return 0
