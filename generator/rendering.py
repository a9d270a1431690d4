"""A render, start to end: read the spec, turn it into file texts, update the output folder.

generator/templating.py makes the texts; generator/output_tree.py compares them with the folder
and swaps the changed ones in, so the folder is always either the old tree or the new one.
"""

from __future__ import annotations

import contextlib
import difflib
import gc
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Protocol

from generator.output_tree import Changes, Tree
from generator.spec import SpecFile, read_spec
from generator.templating import TeamFiles, render_texts


class Record(Protocol):
    """The record of the last render into the same folder (generator/cache.py), as a render uses it."""

    def kept(self, source: SpecFile) -> Mapping[str, TeamFiles]:
        """The teams whose inputs and files are as the last render left them: they need no rendering."""

    def rendered(self, teams: Mapping[str, TeamFiles]) -> None:
        """Every team's files and claims after this render, for the next record."""


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off for a whole render, comparison and writing included.

    A render builds hundreds of thousands of long-lived objects and no garbage cycles; left on, the
    collector rescanning them doubled a 1,000-team render's CPU time (6.5 s -> 3.3 s); paused only
    until the texts were made, it still spent about 0.15 s rescanning them while the folder was
    compared and written (bench/README.md). They are freed when the render returns.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _changes(
    spec_path: str | Path, out_dir: str | Path, user_templates: str | None, compiled_templates: str | None, record: Record | None = None
) -> tuple[Tree, Changes, dict[str, str], list[str]]:
    source = read_spec(spec_path)
    tree = Tree(out_dir)
    kept = record.kept(source) if record is not None else {}
    texts = render_texts(source, out_dir, user_templates=user_templates, compiled_templates=compiled_templates, kept=kept)
    if record is not None:
        record.rendered(texts.teams)
    return tree, *tree.compare(texts.files, texts.kept_files)


def render(
    spec_path: str | Path,
    out_dir: str | Path,
    *,
    dry_run: bool = False,
    user_templates: str | None = None,
    compiled_templates: str | None = None,
    record: Record | None = None,
) -> Changes:
    """Render the spec into `out_dir`; with `dry_run`, only report what would change.

    `user_templates`: a folder searched before the shipped templates; `compiled_templates`: a
    folder where Jinja keeps compiled templates between runs; `record`: the last render's record,
    whose unchanged teams are not rendered again.
    """
    with _collector_paused():
        tree, changes, to_write, removed = _changes(spec_path, out_dir, user_templates, compiled_templates, record)
        if not dry_run:
            tree.update(to_write, removed)
    return changes


def diff(
    spec_path: str | Path,
    out_dir: str | Path,
    user_templates: str | None = None,
    compiled_templates: str | None = None,
    record: Record | None = None,
) -> str:
    """A unified diff from the folder as it is to what `render` would write, then what the spec does not produce.

    With `record`, the teams it keeps are left out: their files are as `render` would write them.
    """
    with _collector_paused():
        tree, changes, to_write, _ = _changes(spec_path, out_dir, user_templates, compiled_templates, record)
    chunks: list[str] = []
    for relative in changes.stale:
        target = Path(tree.path(relative))
        old = target.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True) if target.is_file() else []
        new = to_write.get(relative, "").splitlines(keepends=True)
        chunks.extend(difflib.unified_diff(old, new, f"a/{relative}", f"b/{relative}"))
    for relative in changes.stray:  # as `diff -r` reports a file on one side only
        folder, _, name = relative.rstrip("/").rpartition("/")
        chunks.append(f"Only in {Path(tree.shown, folder).as_posix()}: {name} (not produced by the spec)\n")
    return "".join(chunks)
