"""CellpipeKFP: Jupyter config traits over environment variables over in-cluster defaults."""

import os
import time

from traitlets.config import Config

from cellpipe.server.config import DEFAULT_SA_TOKEN_PATH, IN_CLUSTER_ENDPOINT, CellpipeKFP
from cellpipe.server.kfp_client import KFPClient

ENV = (
    "KF_PIPELINES_ENDPOINT",
    "KF_PIPELINES_UI_ENDPOINT",
    "KF_PIPELINES_NAMESPACE",
    "KF_PIPELINES_SA_TOKEN_PATH",
    "KF_PIPELINES_TOKEN",
    "KF_PIPELINES_TOKEN_FILE",
    "KF_PIPELINES_COOKIE",
    "KF_PIPELINES_USER_ID",
    "KF_PIPELINES_USER_ID_HEADER",
    "KF_PIPELINES_CA_BUNDLE",
)


def clean_env(monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


def test_defaults_work_inside_a_kubeflow_notebook(monkeypatch):
    clean_env(monkeypatch)
    kfp = CellpipeKFP()
    settings = kfp.settings()
    assert settings.endpoint == IN_CLUSTER_ENDPOINT
    # The browser cannot reach the in-cluster service; the Kubeflow dashboard serves the UI at /pipeline.
    assert settings.ui_endpoint == "/pipeline"
    assert KFPClient(settings).run_url("r 1") == "/pipeline/#/runs/details/r%201"
    assert kfp.sa_token_path == DEFAULT_SA_TOKEN_PATH
    assert kfp.auth_mode == "auto" and kfp.user_id_header == "kubeflow-userid"
    assert settings.verify_tls is True and settings.ca_bundle is None


def test_environment_is_read(monkeypatch, tmp_path):
    clean_env(monkeypatch)
    monkeypatch.setenv("KF_PIPELINES_ENDPOINT", "https://kfp.example.com/pipeline/")
    monkeypatch.setenv("KF_PIPELINES_UI_ENDPOINT", "https://kfp.example.com/ui")
    monkeypatch.setenv("KF_PIPELINES_NAMESPACE", "team-a")
    monkeypatch.setenv("KF_PIPELINES_COOKIE", "authservice_session=xyz")
    monkeypatch.setenv("KF_PIPELINES_CA_BUNDLE", str(tmp_path / "ca.pem"))
    monkeypatch.setenv("KF_PIPELINES_SA_TOKEN_PATH", str(tmp_path / "absent"))
    settings = CellpipeKFP().settings()
    assert settings.endpoint == "https://kfp.example.com/pipeline"
    assert settings.ui_endpoint == "https://kfp.example.com/ui"
    assert settings.namespace == "team-a"
    assert settings.ca_bundle == str(tmp_path / "ca.pem")
    assert settings.auth.effective_mode() == "cookie"
    assert settings.auth.headers() == {"Cookie": "authservice_session=xyz"}


def test_service_account_token_is_picked_up_when_mounted(monkeypatch, tmp_path):
    clean_env(monkeypatch)
    token = tmp_path / "token"
    token.write_text("projected\n")
    monkeypatch.setenv("KF_PIPELINES_SA_TOKEN_PATH", str(token))
    auth = CellpipeKFP().settings().auth
    assert auth.effective_mode() == "sa_token"
    assert auth.headers() == {"Authorization": "Bearer projected"}


def test_jupyter_config_wins_over_environment(monkeypatch):
    clean_env(monkeypatch)
    monkeypatch.setenv("KF_PIPELINES_ENDPOINT", "http://from-env:8888")
    monkeypatch.setenv("KF_PIPELINES_USER_ID", "env-user")
    config = Config()
    config.CellpipeKFP.endpoint = "http://from-config:8888"
    config.CellpipeKFP.auth_mode = "user_id"
    config.CellpipeKFP.user_id = "config-user"
    config.CellpipeKFP.verify_tls = False
    config.CellpipeKFP.request_timeout = 5.0
    settings = CellpipeKFP(config=config).settings()
    assert settings.endpoint == "http://from-config:8888"
    assert settings.auth.headers() == {"kubeflow-userid": "config-user"}
    assert settings.verify_tls is False and settings.request_timeout == 5.0


def write_lab_setting(folder, text: str) -> None:
    path = folder / "cellpipe" / "plugin.jupyterlab-settings"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.utime(path, ns=(time.time_ns(), time.time_ns()))


def test_the_users_jupyterlab_setting_chooses_the_endpoint(monkeypatch, tmp_path):
    clean_env(monkeypatch)
    monkeypatch.setenv("KF_PIPELINES_ENDPOINT", "http://from-env:8888")
    config = Config()
    config.CellpipeKFP.user_settings_dir = str(tmp_path)
    config.CellpipeKFP.allow_user_endpoint = True
    config.CellpipeKFP.allowed_endpoints = ["kfp.team.example"]
    kfp = CellpipeKFP(config=config)
    assert kfp.settings().endpoint == "http://from-env:8888"  # no settings file yet

    write_lab_setting(
        tmp_path, '{\n  // JupyterLab writes JSON5\n  "kfpEndpoint": " https://kfp.team.example/ ",\n}'
    )
    settings = kfp.settings()
    assert settings.endpoint == "https://kfp.team.example"
    assert settings.ui_endpoint == "https://kfp.team.example"

    write_lab_setting(tmp_path, '{"kfpEndpoint": ""}')
    assert kfp.settings().endpoint == "http://from-env:8888"


def test_the_endpoints_source_names_the_setting_that_chose_it(monkeypatch, tmp_path):
    clean_env(monkeypatch)
    assert CellpipeKFP().endpoint_source() == "the in-cluster default"
    monkeypatch.setenv("KF_PIPELINES_ENDPOINT", "http://from-env:8888")
    assert CellpipeKFP().endpoint_source() == "KF_PIPELINES_ENDPOINT"
    config = Config()
    config.CellpipeKFP.endpoint = "http://pinned:8888"
    assert CellpipeKFP(config=config).endpoint_source() == "c.CellpipeKFP.endpoint"
    config.CellpipeKFP.user_settings_dir = str(tmp_path)
    config.CellpipeKFP.allow_user_endpoint = True
    config.CellpipeKFP.allowed_endpoints = ["kfp.team.example"]
    write_lab_setting(tmp_path, '{"kfpEndpoint": "https://kfp.team.example"}')
    assert "JupyterLab setting" in CellpipeKFP(config=config).endpoint_source()


def test_the_users_endpoint_is_ignored_unless_the_admin_allows_it(monkeypatch, tmp_path):
    clean_env(monkeypatch)
    write_lab_setting(tmp_path, '{"kfpEndpoint": "https://elsewhere.example"}')
    config = Config()
    config.CellpipeKFP.user_settings_dir = str(tmp_path)
    config.CellpipeKFP.endpoint = "http://pinned:8888"
    assert CellpipeKFP(config=config).allow_user_endpoint is False  # the default
    assert CellpipeKFP(config=config).settings().endpoint == "http://pinned:8888"


def test_broken_settings_file_is_ignored(monkeypatch, tmp_path):
    clean_env(monkeypatch)
    write_lab_setting(tmp_path, "{ not json")
    config = Config()
    config.CellpipeKFP.user_settings_dir = str(tmp_path)
    assert CellpipeKFP(config=config).settings().endpoint == IN_CLUSTER_ENDPOINT


def test_lab_settings_dir_follows_labapp(monkeypatch, tmp_path):
    clean_env(monkeypatch)
    config = Config()
    config.LabApp.user_settings_dir = str(tmp_path / "lab")
    assert CellpipeKFP(config=config).user_settings_dir == str(tmp_path / "lab")
    monkeypatch.setenv("JUPYTERLAB_SETTINGS_DIR", str(tmp_path / "env"))
    assert CellpipeKFP().user_settings_dir == str(tmp_path / "env")
