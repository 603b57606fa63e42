"""`announcements index`, `delete` and `check` (also `python -m indexer`, which runs `index`)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import click

from indexer.models.embeddings import DEFAULT_EMBEDDING_MODEL
from indexer.ingest.entities import DEFAULT_NER_MODEL
from indexer.store.layout import IndexBusy, IndexNotFound, current_version, index_option, resolve_index_dir

if TYPE_CHECKING:
    from indexer.ingest.releases import Problem

SEEDS = Path(__file__).resolve().parent.parent / "seeds"



@click.command("index")
@click.argument("paths", nargs=-1, type=click.Path())
@index_option
@click.option("--rebuild", is_flag=True,
              help="Build a new index from PATHs only, dropping every release not in them (and re-embedding all).")
@click.option("--model", default=None,
              help=f"sentence-transformers model name or folder for a new index [default: {DEFAULT_EMBEDDING_MODEL}, "
                   "which ships with the package]; an existing index keeps its own.")
@click.option("--ner-model", default=None, help=f"spaCy pipeline for entities [default: {DEFAULT_NER_MODEL}].")
@click.option("--quiet", is_flag=True, help="No progress bars.")
@click.option("--ray", "ray_address", is_flag=False, flag_value="auto", default=None, metavar="[auto|ADDRESS]",
              help="Build a new index with NER and embedding on a Ray cluster: auto (the default value) joins the "
                   "cluster this machine runs or starts a local one; HOST:6379 joins that head. Put PATHs first.")
@click.option("--problems", "problems_file", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write every problem (skipped files and lines, warnings) to FILE as JSON lines: "
                   '{"origin", "reason", "skipped"}; the summary shows the first 20 of each kind.')
def index_command(paths: tuple[str, ...], index_dir: str | None, rebuild: bool, model: str | None,
                  ner_model: str | None, quiet: bool, ray_address: str | None, problems_file: str | None) -> None:
    """Index releases from files or folders (.txt .md .html .jsonl .jsonl.gz); no PATH means seeds/.

    On an existing index this adds the releases (a known id replaces that release, an unchanged one is skipped)
    without re-embedding the others; --rebuild builds from scratch.
    """
    from indexer.ingest.build import BuildError, build_index
    from indexer.ingest.update import update_index

    if ray_address is not None and Path(ray_address).exists():  # `--ray FILE`: the option took the PATH
        raise click.UsageError(f"--ray takes auto or a head's HOST:PORT, not {ray_address!r}: put PATHs before --ray")
    targets = list(paths) or [str(SEEDS)]
    where = resolve_index_dir(index_dir)
    before = _live_version(where)
    try:
        try:
            existing = not rebuild and current_version(where) is not None
        except IndexNotFound:
            existing = False
        if existing and ray_address is not None:
            raise click.ClickException(f"--ray builds a new index; updates run locally ({where} exists: add "
                                       "--rebuild to build it anew on Ray, or leave out --ray to update it)")
        if existing:
            summary = update_index(targets, where, embedding_model=model, ner_model=ner_model, progress=not quiet)
        else:
            summary = build_index(targets, where, embedding_model=model or DEFAULT_EMBEDDING_MODEL,
                                  ner_model=ner_model or DEFAULT_NER_MODEL, progress=not quiet,
                                  ray_address=ray_address)
    except BuildError as exc:
        raise click.ClickException(str(exc) + _write_problems(problems_file, exc.problems)) from exc
    except (IndexBusy, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:  # a read-only index directory, a full disk
        raise _os_error(exc, where, before) from exc
    click.echo(summary.report())
    if failed := _write_problems(problems_file, summary.problems):
        raise click.ClickException("the index was written" + failed)


def _write_problems(path: str | None, problems: Sequence[Problem]) -> str:
    """Write every problem of the run to `path` (if given), one JSON object a line (an empty file when there were
    none); "" when done, else the end of a sentence saying why not (the run's own outcome comes first)."""
    if not path:
        return ""
    try:
        with open(path, "w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(p.to_json(), ensure_ascii=False) + "\n" for p in problems)
    except OSError as exc:
        return f"; the problems file {path} could not be written: {exc.strerror or exc}"
    return ""


@click.command("delete")
@click.argument("ids", nargs=-1, required=True)
@index_option
def delete_command(ids: tuple[str, ...], index_dir: str | None) -> None:
    """Remove releases by id (all or nothing: an unknown id changes nothing)."""
    from indexer.ingest.build import BuildError
    from indexer.ingest.update import delete_releases
    from indexer.store.manifest import ManifestError

    where = resolve_index_dir(index_dir)
    before = _live_version(where)
    try:
        summary = delete_releases(list(ids), where)
    except (BuildError, IndexBusy, IndexNotFound, ManifestError) as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:  # a read-only index directory, a full disk
        raise _os_error(exc, where, before) from exc
    click.echo(summary.report())


def _live_version(where: Path) -> str | None:
    try:
        return current_version(where).name
    except (IndexNotFound, OSError):
        return None


def _os_error(exc: OSError, where: Path, before: str | None) -> click.ClickException:
    """One line for a failed write: what the system said, about which file, and what the index serves now.

    Every write goes to a private build directory first, so a failure before the publish changes nothing."""
    if isinstance(exc, shutil.Error) and exc.args and isinstance(exc.args[0], list):
        reason = str(exc.args[0][0][2])  # copytree gathers (source, target, why) for each file it could not copy
    else:
        reason = f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else "")
    after = _live_version(where)
    if after is None:
        state = f"no index was published at {where}"
    elif after == before:
        state = f"nothing changed: {where} still serves version {after}"
    else:
        state = f"version {after} was published"
    return click.ClickException(f"{reason}; {state}")


@click.command("check")
@index_option
def check_command(index_dir: str | None) -> None:
    """Verify the live index: ids, counts, model, dimensions and passage ranges agree; exit 1 on any mismatch."""
    from indexer.store.check import check_index

    try:
        version, problems = check_index(resolve_index_dir(index_dir))
    except IndexNotFound as exc:
        raise click.ClickException(str(exc)) from exc
    if problems:
        raise click.ClickException(f"{version} is inconsistent:\n  " + "\n  ".join(problems))
    click.echo(f"{version}: OK")


def main() -> None:
    index_command()
