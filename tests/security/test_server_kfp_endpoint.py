"""Issue 13, item 2: the KFP credential never follows an endpoint chosen from the browser.

The user's JupyterLab setting (which the browser writes with PUT /lab/api/settings/cellpipe:plugin) is
ignored by default; an admin may allow it, and then only https hosts on c.CellpipeKFP.allowed_endpoints.
"""

import json
import os

import pytest
from kfp_mock.recorder import Answer, Recorder
from test_kfp_client import certificate  # noqa: F401  (the fixture: a self-signed certificate for 127.0.0.1)
from tornado.httpclient import HTTPClientError

from cellpipe.server.config import EndpointRefused, check_user_endpoint

TOKEN = "kfp-endpoint-secret-0123456789"
COOKIE = "authservice_session=cookie-secret-0123456789"
AUTH = {
    "bearer": {"auth_mode": "bearer", "token": TOKEN},
    "cookie": {"auth_mode": "cookie", "cookie": COOKIE},
}


@pytest.fixture
def admin_kfp():
    """The endpoint the admin configured."""
    with Recorder() as server:
        server.answer = Answer(200, {"multi_user": False})
        yield server


@pytest.fixture
def attacker():
    """Where a hostile page points the user's setting: a server on 127.0.0.1 that records what it gets."""
    with Recorder() as server:
        yield server


@pytest.fixture
def kfp_config(admin_kfp):
    return {"endpoint": admin_kfp.url, **AUTH["bearer"]}


@pytest.fixture
def jp_server_config(kfp_config, tmp_path_factory):
    settings_dir = tmp_path_factory.mktemp("user-settings")
    return {
        "ServerApp": {"jpserver_extensions": {"cellpipe": True}},
        "CellpipeKFP": {**kfp_config, "user_settings_dir": str(settings_dir)},
    }


def write_user_endpoint(jp_serverapp, url: str) -> None:
    """What `PUT /lab/api/settings/cellpipe:plugin {"kfpEndpoint": url}` leaves on disk."""
    folder = jp_serverapp.config.CellpipeKFP.user_settings_dir
    path = f"{folder}/cellpipe/plugin.jupyterlab-settings"
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(json.dumps({"kfpEndpoint": url}))


def assert_nothing_reached(server) -> None:
    assert server.requests == []  # hence no Authorization header and no cookie either


@pytest.mark.parametrize("auth", ["bearer", "cookie"])
async def test_by_default_the_users_endpoint_is_ignored(jp_fetch, jp_serverapp, admin_kfp, attacker, auth):
    jp_serverapp.config.CellpipeKFP.update(AUTH[auth])
    jp_serverapp.web_app.settings.pop("cellpipe_kfp_client", None)
    write_user_endpoint(jp_serverapp, attacker.url)
    body = json.loads((await jp_fetch("cellpipe", "api", "kfp", "health")).body)
    assert body["endpoint"] == admin_kfp.url
    # Nor does any request body choose one.
    sneaky = {"name": "x", "endpoint": attacker.url, "kfpEndpoint": attacker.url, "url": attacker.url}
    admin_kfp.answer = Answer(200, {"experiment_id": "e1"})
    await jp_fetch("cellpipe", "api", "kfp", "experiments", method="POST", body=json.dumps(sneaky))
    assert_nothing_reached(attacker)
    assert len(admin_kfp.requests) == 2


@pytest.mark.parametrize("auth", ["bearer", "cookie"])
async def test_when_allowed_an_http_endpoint_is_refused_before_anything_is_sent(
    jp_fetch, jp_serverapp, admin_kfp, attacker, auth
):
    jp_serverapp.config.CellpipeKFP.update(
        {**AUTH[auth], "allow_user_endpoint": True, "allowed_endpoints": ["127.0.0.1"]}
    )
    jp_serverapp.web_app.settings.pop("cellpipe_kfp_client", None)
    write_user_endpoint(jp_serverapp, attacker.url)
    for parts, method, body in [
        (("health",), "GET", None),
        (("experiments",), "POST", json.dumps({"name": "x"})),
        (("runs",), "GET", None),
    ]:
        with pytest.raises(HTTPClientError) as err:
            await jp_fetch("cellpipe", "api", "kfp", *parts, method=method, body=body)
        assert err.value.code == 400
        answer = json.loads(err.value.response.body)
        assert answer["reason"] == "endpoint_refused"
        assert "only https endpoints are accepted" in answer["message"]
        assert TOKEN not in answer["message"] and COOKIE not in answer["message"]
    assert_nothing_reached(attacker)
    assert_nothing_reached(admin_kfp)


async def test_when_allowed_an_https_host_off_the_list_is_refused(
    jp_fetch,
    jp_serverapp,
    admin_kfp,
    certificate,  # noqa: F811
):
    with Recorder(tls=certificate) as elsewhere:
        assert elsewhere.url.startswith("https://127.0.0.1:")
        jp_serverapp.config.CellpipeKFP.update(
            {
                "allow_user_endpoint": True,
                "allowed_endpoints": ["kfp.example.org"],
                "ca_bundle": certificate[0],
            }
        )
        jp_serverapp.web_app.settings.pop("cellpipe_kfp_client", None)
        write_user_endpoint(jp_serverapp, elsewhere.url)
        with pytest.raises(HTTPClientError) as err:
            await jp_fetch("cellpipe", "api", "kfp", "health")
        message = json.loads(err.value.response.body)["message"]
        assert err.value.code == 400
        assert "its host is not one the server's admin allows" in message
        assert "c.CellpipeKFP.allowed_endpoints: kfp.example.org" in message
        assert_nothing_reached(elsewhere)
    assert_nothing_reached(admin_kfp)


async def test_when_allowed_an_https_host_on_the_list_is_used(jp_fetch, jp_serverapp, admin_kfp, certificate):  # noqa: F811
    with Recorder(tls=certificate) as team:
        team.answer = Answer(200, {"multi_user": True})
        jp_serverapp.config.CellpipeKFP.update(
            {"allow_user_endpoint": True, "allowed_endpoints": ["127.0.0.1"], "ca_bundle": certificate[0]}
        )
        jp_serverapp.web_app.settings.pop("cellpipe_kfp_client", None)
        write_user_endpoint(jp_serverapp, team.url)
        body = json.loads((await jp_fetch("cellpipe", "api", "kfp", "health")).body)
        assert body["endpoint"] == team.url and body["multi_user"] is True
        assert team.last.headers["authorization"] == f"Bearer {TOKEN}"
    assert_nothing_reached(admin_kfp)


@pytest.mark.parametrize(
    "url, allowed, ok",
    [
        ("https://kfp.example.org", ["kfp.example.org"], True),
        ("https://KFP.example.org/pipeline", ["kfp.example.org"], True),
        ("https://kfp.example.org:8443", ["kfp.example.org"], True),
        ("https://kfp.example.org:8443", ["kfp.example.org:8443"], True),
        ("https://kfp.example.org", ["kfp.example.org:443"], True),
        ("https://kfp.example.org:8443", ["kfp.example.org:443"], False),
        ("https://kfp.example.org/pipeline", ["https://KFP.example.org/"], True),
        ("https://kfp.example.org:8443", ["https://kfp.example.org:9443"], False),
        ("http://kfp.example.org", ["kfp.example.org"], False),
        ("https://kfp.example.org.evil.test", ["kfp.example.org"], False),
        ("https://evil.test#@kfp.example.org", ["kfp.example.org"], False),
        ("https://kfp.example.org@evil.test", ["kfp.example.org"], False),
        ("https://kfp.example.org", [], False),
        ("file:///etc/passwd", ["kfp.example.org"], False),
        ("https://[::1", ["kfp.example.org"], False),
    ],
)
def test_which_user_endpoints_an_allowlist_accepts(url, allowed, ok):
    if ok:
        check_user_endpoint(url, allowed)
    else:
        with pytest.raises(EndpointRefused, match="KFP endpoint"):
            check_user_endpoint(url, allowed)


def test_a_refusal_never_repeats_a_password_in_the_url():
    with pytest.raises(EndpointRefused) as err:
        check_user_endpoint("http://user:hunter2@evil.test", ["kfp.example.org"])
    assert "hunter2" not in str(err.value)
