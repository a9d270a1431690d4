"""Command line: `python -m generator render|check|validate|diff|schema|imports|scaffold`.

Exit codes: 0 success, 1 modules that differ from the spec (`check` and `diff`), 2 bad input (spec, paths or options).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from generator.errors import EmrIamError, UsageError

DEFAULT_SPEC = "specs/platform.yaml"
DEFAULT_OUT = "modules"

EXAMPLES = {
    "render": "example: python -m generator render --spec specs/platform.yaml --out modules",
    "check": "example: python -m generator check --spec specs/platform.yaml --out modules  # exit 1 when stale or stray",
    "validate": "example: python -m generator validate --spec specs/platform.yaml",
    "diff": "example: python -m generator diff --spec specs/platform.yaml --out modules | less  # exit 1 on a difference",
    "schema": (
        "examples:\n"
        "  python -m generator schema > specs/emr-iam-spec.schema.json\n"
        "  python -m generator schema --format markdown --readme README.md"
    ),
    "imports": (
        "examples:\n"
        "  python -m generator imports --default-roles --module default_roles > imports.tf\n"
        "  python -m generator imports --spec specs/platform.yaml --team analytics --module emr_iam --format commands"
    ),
    "scaffold": "example: python -m generator scaffold --spec specs/platform.yaml --out workspaces --modules modules",
}
EXIT_CODES = "exit codes: 0 ok, 2 bad input"
CHECK_EXIT_CODES = "exit codes: 0 up to date, 1 stale modules or files the spec does not produce, 2 bad input"
# As `git diff --exit-code` and `diff`: 1 when there is a difference.
DIFF_EXIT_CODES = "exit codes: 0 no difference, 1 differences (printed), 2 bad input"


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("emr-iam")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


class _Version(argparse.Action):
    """`--version`, looked up only when asked for: reading package metadata costs every other run 60 ms."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, nargs=0,
                         help="print the installed version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        print(f"emr-iam {_version()}")
        parser.exit()


def _templates_folder(text: str) -> str:
    if not os.path.isdir(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not a folder" + ("" if os.path.exists(text) else " (it does not exist)"))
    return text


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # One line, like every other error; the usage is one `--help` away.
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="emr-iam",
        description="Render Terraform modules for Amazon EMR's IAM roles from one YAML spec.",
        epilog="exit codes: 0 ok, 1 differences (check, diff), 2 bad input",
    )
    parser.add_argument("--version", action=_Version)
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    helps = {
        "render": "write the modules the spec describes (only changed files)",
        "check": "exit 1 and list stale files, and files the spec does not produce, when the modules differ from the spec",
        "validate": "validate the spec and the IAM limits; write nothing",
        "diff": "print a unified diff of what render would change and the files the spec does not produce; exit 1 when"
                " there is any; write nothing",
        "schema": "print the JSON Schema of the spec",
        "imports": "print import blocks (or terraform import commands) that adopt existing EMR roles",
        "scaffold": "create a root workspace per team, pinned to the team's account (only files that are missing)",
    }
    for name, text in helps.items():
        codes = {"check": CHECK_EXIT_CODES, "diff": DIFF_EXIT_CODES}.get(name, EXIT_CODES)
        command = commands.add_parser(name, help=text, description=text, epilog=f"{EXAMPLES[name]}\n\n{codes}",
                                      formatter_class=argparse.RawDescriptionHelpFormatter)
        if name not in ("schema", "imports"):
            command.add_argument("--spec", default=DEFAULT_SPEC, help=f"spec file (default: {DEFAULT_SPEC})")
        if name == "imports":
            _imports_arguments(command)
        if name == "scaffold":
            command.add_argument("--out", default="workspaces", help="folder of the workspaces, one per team (default: workspaces)")
            command.add_argument("--modules", default=DEFAULT_OUT,
                                 help=f"folder the modules are rendered into, for the workspaces' module sources (default: {DEFAULT_OUT})")
            command.add_argument("--team", action="append", default=None, help="only this team (repeatable)")
        if name == "schema":
            command.add_argument("--format", choices=("json", "markdown"), default=None,
                                 help="JSON Schema for editors (default) or the Markdown spec reference")
            command.add_argument("--readme", default=None,
                                 help="update the spec reference section of this Markdown file (implies --format markdown)")
        if name in ("render", "check", "diff"):
            command.add_argument("--out", default=DEFAULT_OUT, help=f"output folder (default: {DEFAULT_OUT})")
            command.add_argument("--templates", type=_templates_folder, default=None,
                                 help="folder of templates searched before the shipped ones")
        if name in ("render", "check"):
            command.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
        if name in ("render", "check", "diff"):
            command.add_argument("--no-cache", action="store_true",
                                 help="render every team even when the last run's record says it is unchanged,"
                                      " and compile templates afresh")
    return parser


def _imports_arguments(command: argparse.ArgumentParser) -> None:
    from generator.adopt import NAMED_ONLY, ROLES

    which = command.add_mutually_exclusive_group(required=True)
    which.add_argument("--default-roles", action="store_true", help="the roles `aws emr create-default-roles` creates")
    which.add_argument("--team", help="a team of the spec, consumed through modules/teams/<team>")
    command.add_argument("--spec", default=DEFAULT_SPEC, help=f"spec file, with --team (default: {DEFAULT_SPEC})")
    command.add_argument("--module", help="name of the module block in the workspace (default: default_roles, or emr_iam with --team)")
    command.add_argument(
        "--roles", default=",".join(ROLES),
        help=f"comma-separated roles that exist (default: {','.join(ROLES)}); with --team also "
        + ", ".join(f"{choice} (the team's {what}s)" for choice, what in NAMED_ONLY.items()),
    )
    command.add_argument("--partition", default="aws", help="partition of the account, for policy ARNs (default: aws)")
    command.add_argument(
        "--account-id", default=None,
        help="the account's ID, for the ARN that imports a service-linked role (default: the team's source_account_id)",
    )
    command.add_argument(
        "--check-existing", action="store_true",
        help="read the account with the AWS SDK (read-only: iam:GetRole, iam:GetInstanceProfile, iam:ListAttachedRolePolicies)"
        " and refuse an adoption that would replace something; what does not exist is left out for the plan to create",
    )
    command.add_argument("--format", choices=("hcl", "commands"), default="hcl", help="import blocks (default) or shell commands")
    command.add_argument("--out", default=None, help="file to write instead of standard output")


def _imports(args: argparse.Namespace) -> int:
    from generator import adopt

    roles = [role.strip() for role in args.roles.split(",") if role.strip()]
    module = args.module or ("emr_iam" if args.team else "default_roles")
    if args.team:
        arguments = adopt.team_arguments(args.spec, args.team)
        selection, subject = f"--spec {args.spec} --team {args.team}", f"team {args.team}'s EMR roles"
        who = f"team {args.team}"
        fix = f"set path: {{path}} for team {args.team} in {args.spec} (a team's own value overrides defaults), or move it"
    else:
        arguments = adopt.DEFAULT_ROLES_ARGUMENTS
        selection, subject = "--default-roles", "the default EMR roles"
        who = "the default roles"
        fix = "create-default-roles puts its roles at /; adopt these through a team of the spec with path: {path}"
    address = adopt.module_address(module, bool(args.team))
    account = None
    account_id = args.account_id
    if args.check_existing:
        from generator.existing import Account

        account = Account(args.partition)
        if account_id is None and not arguments.get("source_account_id") and any(
            adopt.ADOPTABLE[role][1].service_linked_role for role in roles if role in adopt.ADOPTABLE
        ):
            account_id = account.account_id()
    targets = adopt.import_targets(arguments, address, partition=args.partition, roles=roles, account_id=account_id)
    if not targets:
        raise adopt.nothing_to_import(arguments, address, roles, args.partition)
    if account is not None:
        targets, notes = adopt.compare_existing(targets, account, who=who, fix=fix)
        for note in notes:
            print(f"emr-iam: {note}", file=sys.stderr)
        if not targets:
            raise adopt.AdoptError("nothing to import: none of the chosen roles exists in the account; the plan creates them")
    command = f"emr-iam imports {selection} --module {module}"
    if roles != list(adopt.ROLES):
        command += f" --roles {','.join(roles)}"
    if args.partition != "aws":
        command += f" --partition {args.partition}"
    if args.account_id:
        command += f" --account-id {args.account_id}"
    if args.check_existing:
        command += " --check-existing"
    if args.format == "commands":
        text = "".join(f"{line}\n" for line in adopt.import_commands(targets))
    else:
        source = args.spec if args.team else "the create-default-roles names"
        text = adopt.render_imports(targets, source=source, command=command, subject=subject, who=who, fix=fix)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    try:
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as error:
        raise adopt.AdoptError(f"{args.out}: cannot be written: {error.strerror or error}") from None
    return 0


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
    if args.command == "imports":
        return _imports(args)
    if args.command == "scaffold":
        from generator import scaffold
        from generator.spec import read_spec

        found = scaffold.workspaces(read_spec(args.spec), args.out, args.modules, args.team)
        for path, what in scaffold.write(found, args.out):
            print(f"{path}: {what}")
        return 0
    if args.command == "schema":
        from generator import docs

        if args.readme and args.format == "json":
            raise UsageError("--readme writes the Markdown spec reference; it cannot be used with --format json")
        if args.readme:
            changed = docs.write_readme(args.readme)
            print(f"{args.readme}: spec reference {'updated' if changed else 'up to date'}")
        elif args.format == "markdown":
            sys.stdout.write(docs.reference())
        else:
            sys.stdout.write(docs.json_schema_text())
        return 0
    if args.command == "validate":
        from generator.model import resolve, warnings
        from generator.spec import read_spec

        source = read_spec(args.spec)
        resolve(source)
        for warning in warnings(source):
            print(f"emr-iam: warning: {warning}", file=sys.stderr)
        count = len(source.spec.teams)
        print(f"{args.spec}: valid ({count} team{'' if count == 1 else 's'})")
        return 0
    if args.command == "diff":
        from generator import cache
        from generator.rendering import diff

        # The last render's record leaves out the teams it keeps; `diff` never writes one.
        key = None if args.no_cache else cache.fingerprint(args.spec, args.out, args.templates)
        compiled = None if args.no_cache else cache.compiled_templates_dir()
        text = diff(args.spec, args.out, args.templates, compiled, cache.LastRender(key) if key else None)
        sys.stdout.write(text)
        return 1 if text else 0
    return _render(args)


def _counted(paths: Sequence[str]) -> str:
    """"1 file is", "2 files and 1 folder are": folders are the paths ending in /."""
    folders = sum(path.endswith("/") for path in paths)
    files = len(paths) - folders
    parts = [f"{n} {word}{'s' if n != 1 else ''}" for n, word in ((files, "file"), (folders, "folder")) if n]
    return " and ".join(parts) + (" is" if len(paths) == 1 else " are")


def _render(args: argparse.Namespace) -> int:
    """`render` and `check`; a run whose inputs and outputs match the last run's record stops early."""
    from generator import cache

    check = args.command == "check"
    key = None if args.no_cache else cache.fingerprint(args.spec, args.out, args.templates)
    record = cache.LastRender(key) if key else None
    unchanged = record.fresh() if record is not None else None
    if unchanged is not None:
        if not args.quiet:
            print(f"{args.out}: up to date with {args.spec}" if check else f"{args.out}: 0 written, 0 removed, {unchanged} unchanged")
        return 0

    from generator.rendering import render

    changes = render(
        args.spec, args.out, dry_run=check, user_templates=args.templates,
        compiled_templates=None if args.no_cache else cache.compiled_templates_dir(), record=record,
    )
    # A record stands for a folder that is exactly what a spec produces; with stray files there is none to keep. A `check`
    # that finds stale files changed nothing: the last render's record still holds, and keeps its teams for the next render.
    if key and changes.stray:
        cache.forget(key)
    elif record is not None and not (check and changes.stale):
        record.save(changes.generated)
    if changes.stray:
        print(
            f"emr-iam: {'error' if check else 'warning'}: {args.out}: {_counted(changes.stray)} not produced by {args.spec},"
            f" in folders the generator owns: remove {'it' if len(changes.stray) == 1 else 'them'}, or keep your own files outside"
            " those folders (render never deletes them):",
            file=sys.stderr,
        )
        for relative in changes.stray:
            print(f"  {args.out}/{relative}", file=sys.stderr)
    if check:
        if changes.stale:
            count = len(changes.stale)
            print(
                f"{args.out}: {count} {'file is' if count == 1 else 'files are'} stale against {args.spec};"
                f" run `emr-iam render --spec {args.spec} --out {args.out}`:",
                file=sys.stderr,
            )
            for relative in changes.stale:
                print(f"  {args.out}/{relative}", file=sys.stderr)
        if changes.stale or changes.stray:
            return 1
        if not args.quiet:
            print(f"{args.out}: up to date with {args.spec}")
        return 0
    if not args.quiet:
        print(f"{args.out}: {len(changes.written)} written, {len(changes.removed)} removed, {changes.unchanged} unchanged")
    return 0
