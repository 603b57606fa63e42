"""Every view declares the query parameters it accepts; anything else is a 400 that names it."""
from html import unescape

import pytest
from flask import Blueprint

from search.request import PARAMETERS
from web.app import create_app
from web.parameters import ACCEPTED, check_declarations

SAMPLE_ARGS = {"release_id": "004_adb0e8ee3c5d47dd", "type_": "org", "name": "SITC"}


def test_every_view_declares_its_parameters(client):
    app = client.application
    for endpoint, view in app.view_functions.items():
        if endpoint != "static":
            assert isinstance(getattr(view, ACCEPTED), tuple), endpoint
    assert getattr(app.view_functions["api.search"], ACCEPTED) == tuple(PARAMETERS)
    assert getattr(app.view_functions["pages.search"], ACCEPTED) == tuple(PARAMETERS)


def test_every_endpoint_refuses_an_unknown_parameter(client):
    app = client.application
    with app.test_request_context():
        urls = {rule.endpoint: app.url_for(rule.endpoint, **{a: SAMPLE_ARGS[a] for a in rule.arguments})
                for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert len(urls) >= 10  # all of them, whatever is added later
    for endpoint, url in urls.items():
        res = client.get(url + "?zz=1")
        assert res.status_code == 400, endpoint
        assert "unknown parameter 'zz'" in unescape(res.get_data(as_text=True)), endpoint


def test_an_undeclared_view_stops_the_app_from_being_built(tmp_path):
    app = create_app({"INDEX_DIR": tmp_path})
    extra = Blueprint("extra", __name__)
    extra.add_url_rule("/extra", "forgot", lambda: "")
    app.register_blueprint(extra)
    with pytest.raises(RuntimeError, match="extra.forgot"):
        check_declarations(app)


def test_an_unknown_parameter_on_the_search_page_keeps_the_form(client):
    res = client.get("/search?q=ports&colour=red")
    html = unescape(res.get_data(as_text=True))
    assert res.status_code == 400 and "unknown parameter 'colour'; known parameters: q, mode" in html
    assert 'name="q"' in html
