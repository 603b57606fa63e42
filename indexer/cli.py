"""`announcements index` (also `python -m indexer`)."""
from __future__ import annotations

from pathlib import Path

import click

from indexer.embeddings import DEFAULT_EMBEDDING_MODEL
from indexer.entities import DEFAULT_NER_MODEL
from indexer.layout import resolve_index_dir

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

index_option = click.option(
    "--index", "index_dir", type=click.Path(file_okay=False), default=None,
    help="Index directory (default: $ANNOUNCEMENTS_INDEX, else ./index).",
)


@click.command("index")
@click.argument("paths", nargs=-1, type=click.Path())
@index_option
@click.option("--model", default=DEFAULT_EMBEDDING_MODEL, show_default=True,
              help="sentence-transformers model name or folder (the default ships with the package).")
@click.option("--ner-model", default=DEFAULT_NER_MODEL, show_default=True, help="spaCy pipeline for entities.")
@click.option("--quiet", is_flag=True, help="No progress bars.")
def index_command(paths: tuple[str, ...], index_dir: str | None, model: str, ner_model: str, quiet: bool) -> None:
    """Index releases from files or folders (.txt .md .html .jsonl .jsonl.gz); no PATH means seeds/."""
    from indexer.build import BuildError, build_index

    targets = list(paths) or [str(SEEDS)]
    try:
        summary = build_index(targets, resolve_index_dir(index_dir), embedding_model=model, ner_model=ner_model,
                              progress=not quiet)
    except (BuildError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(summary.report())


def main() -> None:
    index_command()
