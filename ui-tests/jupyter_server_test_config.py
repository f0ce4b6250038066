"""Jupyter server configuration for the Galata browser tests only (never for real use)."""

import os
from tempfile import mkdtemp

from jupyterlab.galata import configure_jupyter_server

c = get_config()  # noqa: F821 (provided by Jupyter when it loads this file)
configure_jupyter_server(c)
# Settings and workspaces of this run only: Galata mocks JupyterLab's settings in the page, but Notebook 7
# (the notebook7/ suite) reads ~/.jupyter/lab/user-settings, so a user's own cellpipe settings (a Local run
# Python of theirs) would change what the tests see.
_settings = mkdtemp(prefix="cellpipe-galata-settings-")
_workspaces = mkdtemp(prefix="cellpipe-galata-workspaces-")
c.LabApp.user_settings_dir = _settings
c.JupyterNotebookApp.user_settings_dir = _settings
c.JupyterNotebookApp.workspaces_dir = _workspaces
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
