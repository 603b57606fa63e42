"""/api/entities and the /entities page read their parameters with one parser: same checks, same messages."""
import re
from html import unescape

import pytest


@pytest.mark.parametrize(("query", "message"), [
    ("type=ship", "'type' must be one of org, person, place, facility (got 'ship')"),
    ("limit=0", "'limit' must be from 1 to 200 (got 0)"),
    ("limit=many", "'limit' must be a whole number from 1 to 200"),
    ("q=" + "x" * 201, "'q' is at most 200 characters"),
    ("type=org&type=place", "'type' was given 2 times; send it once"),
    ("colour=red", "unknown parameter 'colour'; known parameters: type, q, limit"),
])
def test_the_api_and_the_page_refuse_the_same_input_with_the_same_message(client, query, message):
    api = client.get("/api/entities?" + query)
    page = client.get("/entities?" + query)
    assert api.status_code == page.status_code == 400
    assert message in api.get_json()["error"]["message"]
    assert api.get_json()["error"]["message"] in unescape(page.get_data(as_text=True))


def test_the_api_and_the_page_list_the_same_entities(client):
    names = [e["name"] for e in client.get("/api/entities?type=org&q=++port&limit=2").get_json()["entities"]]
    page = client.get("/entities?type=org&q=++port&limit=2").get_data(as_text=True)
    listed = re.findall(r'<li><a href="/entities/org/[^"]+">([^<]+)</a>', page)
    assert len(names) == 2 and [unescape(n) for n in listed] == names
    assert 'value="port"' in page  # the query as it was read: spaces normalised
