import json

import pytest
from tornado.httpclient import HTTPClientError

from cellpipe import __version__


async def test_health_answers_version_with_token(jp_fetch):
    response = await jp_fetch("cellpipe", "api", "health")
    assert response.code == 200
    body = json.loads(response.body)
    assert body == {"status": "ok", "version": __version__}


async def test_health_refuses_without_token(jp_fetch):
    with pytest.raises(HTTPClientError) as err:
        # An empty Authorization header replaces the fixture's token.
        await jp_fetch("cellpipe", "api", "health", headers={"Authorization": ""})
    assert err.value.code == 403
