"""`announcements search` takes every /api/search parameter and prints the API's JSON for them."""
import json

import pytest
from click.testing import CliRunner

from search.cli import search_command
from search.request import PARAMETERS
from web.app import create_app
from web.cli import main

CASES = [
    (["agreements", "involving", "ports", "--fusion", "rrf", "--alpha", "0.7", "--no-exact", "--explain"],
     "q=agreements+involving+ports&fusion=rrf&alpha=0.7&exact=0&explain=1"),
    (["agreement", "--exact", "--fusion", "convex", "--alpha", "0", "--offset", "1"],
     "q=agreement&exact=1&fusion=convex&alpha=0&offset=1"),
    (["agreement", "--mode", "keyword", "--facet-size", "2", "--facet-q", "cimc", "--entity", "org:CIMC",
      "--entity", "org:SITC", "--category", "agreement", "--limit", "1"],
     "q=agreement&mode=keyword&facet_size=2&facet_q=cimc&entity=org:CIMC&entity=org:SITC&category=agreement&limit=1"),
    (["--issuer", "SITC", "--sort", "date", "--date-from", "2023-01-01", "--date-to", "2023-12-31", "--mode", "semantic"],
     "issuer=SITC&sort=date&date_from=2023-01-01&date_to=2023-12-31&mode=semantic"),
]


@pytest.fixture(scope="module")
def same_loading_client(seed_index):
    """An app that loads its query encoder as the CLI does (no shared embedder), so the scores match to the bit."""
    return create_app({"INDEX_DIR": seed_index, "TESTING": True}).test_client()


@pytest.mark.parametrize(("args", "query"), CASES)
def test_cli_json_equals_the_api_json(same_loading_client, seed_index, args, query):
    out = CliRunner().invoke(main, ["search", *args, "--json", "--index", str(seed_index)])
    assert out.exit_code == 0, out.output
    res = same_loading_client.get("/api/search?" + query)
    assert res.status_code == 200
    from_cli, from_api = json.loads(out.output), res.get_json()
    from_cli.pop("took_ms"), from_api.pop("took_ms")
    assert from_cli == from_api


def test_every_search_parameter_is_an_option():
    options = {p.name for p in search_command.params}
    assert set(PARAMETERS) - {"q"} <= options


@pytest.mark.parametrize(("args", "query"), [(["x", "--alpha", "2"], "q=x&alpha=2"),
                                             (["x", "--fusion", "max"], "q=x&fusion=max"),
                                             (["x", "--limit", "ten"], "q=x&limit=ten"),
                                             (["x", "--entity", "SITC"], "q=x&entity=SITC")])
def test_cli_errors_are_the_api_errors(client, seed_index, args, query):
    out = CliRunner().invoke(main, ["search", *args, "--index", str(seed_index)])
    message = client.get("/api/search?" + query).get_json()["error"]["message"]
    assert out.exit_code == 1 and out.output.strip() == f"Error: {message}"
