"""Jupyter server configuration for the Galata browser tests only (never for real use)."""

import os

from jupyterlab.galata import configure_jupyter_server

c = get_config()  # noqa: F821 (provided by Jupyter when it loads this file)
configure_jupyter_server(c)
c.ServerApp.port = int(os.environ.get("CELLPIPE_UI_TEST_PORT", "8866"))
c.ServerApp.allow_root = True
# Keep the browser tests self-contained: no announcements or update checks over the network.
c.LabApp.news_url = None
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
# The KFP endpoint is the Prism mock started by playwright.config.ts (a token, as a cluster would need).
c.CellpipeKFP.endpoint = f"http://127.0.0.1:{os.environ.get('CELLPIPE_PRISM_PORT', '4010')}"
c.CellpipeKFP.auth_mode = "bearer"
c.CellpipeKFP.token = "galata-not-a-secret"
c.CellpipeKFP.namespace = "kubeflow-user-example-com"
