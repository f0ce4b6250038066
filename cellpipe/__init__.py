"""cellpipe: turn an annotated notebook into a Kubeflow Pipelines pipeline.

This module stays light on purpose: `cellpipe.runtime` is embedded into every
pipeline step and must import without Jupyter installed, so the server
extension is only imported when Jupyter asks for it.
"""

try:
    from ._version import __version__
except ImportError:  # a source checkout that was never built
    __version__ = "0.0.0.dev0"


def _jupyter_labextension_paths():
    return [{"src": "labextension", "dest": "cellpipe"}]


def _jupyter_server_extension_points():
    return [{"module": "cellpipe"}]


def _load_jupyter_server_extension(server_app):
    """Register cellpipe's HTTP handlers with the Jupyter server."""
    from .server.handlers import setup_handlers

    setup_handlers(server_app.web_app)
    server_app.log.info("cellpipe %s: server extension loaded", __version__)
