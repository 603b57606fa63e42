import pytest

from web.app import create_app


@pytest.fixture(scope="module")
def client(seed_index, embedder):
    app = create_app({"INDEX_DIR": seed_index, "EMBEDDER": embedder, "TESTING": True})
    return app.test_client()
