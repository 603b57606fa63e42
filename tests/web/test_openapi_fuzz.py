"""A property-based fuzzer driven by /api/openapi.json (schemathesis) against the real waitress server of
`announcements serve` on 127.0.0.1, over the tiny index (issue 18, item 13): every generated request must get an
answer the spec declares (status, content type, body schema, headers) and never a 5xx."""
from __future__ import annotations

import datetime as dt
import time

import pytest
import schemathesis  # the `test` extra installs it
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, positive_data_acceptance,
                                                response_headers_conformance,
                                                response_schema_conformance, status_code_conformance)

from search.request import RequestError, check_query_size, check_query_syntax

pytestmark = pytest.mark.system  # a real server on a loopback port
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]


def _rules_beyond_the_schema(case) -> bool:
    """A request the schema allows but the parser refuses by a rule JSON Schema cannot state (the spec says it in
    words): q's paired quotes and parentheses and its word and phrase bounds, date_from after date_to."""
    query = case.query or {}
    q = query.get("q")
    if isinstance(q, str):
        try:
            check_query_syntax(q)
            check_query_size(q)
        except RequestError:
            return True
    try:
        return dt.date.fromisoformat(query["date_from"]) > dt.date.fromisoformat(query["date_to"])
    except (KeyError, TypeError, ValueError):
        return False


# Positive cases must also be accepted (2xx; the spec is no looser than the server). negative_data_rejection is
# not run: schemathesis' negative values for a query parameter may serialise to nothing, so the request it judges
# is not the one sent (e.g. `explain` left out of the URL and then reported as "accepted").
EXTRA = {"positive": [positive_data_acceptance], "negative": []}
EXAMPLES = 60  # per operation and generation mode: the whole run stays well under a minute


@pytest.fixture(scope="module")
def operations(base_url):
    import requests

    # The spec as the server serves it (from_url would leave out the operation that serves the spec itself).
    schema = schemathesis.openapi.from_dict(requests.get(base_url + "/api/openapi.json", timeout=10).json())
    found = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in found} == {"/api/search", "/api/releases/{id}", "/api/entities",
                                         "/api/entities/{type}/{name}", "/healthz", "/api/openapi.json",
                                         "/api/search.csv", "/api/search.jsonl", "/api/releases/{id}/related",
                                         "/api/suggest", "/search.atom", "/feeds/entities/{type}/{name}"}
    return {op.path: op for op in found}


# Negative cases (requests the spec forbids) exist only where a parameter can be broken: not for an operation
# without parameters or with only free-text path parameters.
CASES = [(path, "positive") for path in ["/api/search", "/api/releases/{id}", "/api/entities",
                                         "/api/entities/{type}/{name}", "/healthz", "/api/openapi.json"]]
CASES += [(path, "negative") for path in ["/api/search", "/api/entities", "/api/entities/{type}/{name}"]]
CASES += [(path, mode) for path in ["/api/search.csv", "/api/search.jsonl"] for mode in ("positive", "negative")]
CASES += [("/api/releases/{id}/related", mode) for mode in ("positive", "negative")]
CASES += [("/api/suggest", mode) for mode in ("positive", "negative")]
CASES += [("/search.atom", mode) for mode in ("positive", "negative")]
CASES += [("/feeds/entities/{type}/{name}", mode) for mode in ("positive", "negative")]


@pytest.mark.parametrize(("path", "mode"), CASES)
def test_every_generated_request_gets_an_answer_the_spec_declares(operations, base_url, path, mode):
    operation = operations[path]
    started = time.monotonic()
    strategy = operation.as_strategy(generation_mode=schemathesis.GenerationMode(mode))

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def fuzz(case):
        extra = [] if mode == "positive" and _rules_beyond_the_schema(case) else EXTRA[mode]
        case.call_and_validate(base_url=base_url, checks=CHECKS + extra)

    fuzz()
    assert time.monotonic() - started < 30
