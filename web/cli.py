"""The `announcements` command: index, search, serve (`python -m web` serves)."""
from __future__ import annotations

import logging

import click

from indexer.cli import check_command, delete_command, index_command, index_option
from indexer.layout import IndexNotFound, resolve_index_dir
from search.cli import evaluate_command, search_command


@click.command("serve")
@index_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=8000, show_default=True)
@click.option("--threads", type=int, default=4, show_default=True, help="waitress worker threads.")
def serve_command(index_dir: str | None, host: str, port: int, threads: int) -> None:
    """Serve the HTML pages and the JSON API with waitress."""
    import waitress

    from indexer.embeddings import use_one_thread_per_query
    from web.app import EXTENSION, create_app

    use_one_thread_per_query()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = create_app({"INDEX_DIR": resolve_index_dir(index_dir)})
    try:
        # Open the index and load the model now, so the first request is not the slow one.
        eng = app.extensions[EXTENSION].engine()
        eng.query_encoder.encode_query("warm up")
        click.echo(f"Serving {eng.size} releases from {eng.version_dir} on http://{host}:{port}/", err=True)
    except IndexNotFound as exc:
        click.echo(f"warning: {exc}", err=True)
    waitress.serve(app, host=host, port=port, threads=threads, ident="announcements")


@click.group()
def main() -> None:
    """Announcements Search: hybrid keyword + semantic search over press releases, with entity facets."""


main.add_command(index_command)
main.add_command(delete_command)
main.add_command(check_command)
main.add_command(search_command)
main.add_command(serve_command)
main.add_command(evaluate_command)
