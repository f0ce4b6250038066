def _cellpipe_boot(sources):
    """Write the embedded cellpipe runtime once, into a directory named by its content hash, and import it.

    Inlined verbatim into every step program (docs/step-program.md): standard library only.
    """
    import hashlib
    import importlib
    import sys

    if isinstance(sources, str):  # what the compiler embeds: {path: text} as deflated JSON in base64
        import base64
        import json
        import zlib

        sources = json.loads(zlib.decompress(base64.b64decode(sources)).decode("utf-8"))
    digest = hashlib.sha256()
    for path in sorted(sources):
        digest.update(path.encode() + b"\0" + sources[path].encode("utf-8") + b"\0")
    files = {path: text.encode("utf-8") for path, text in sources.items()}
    # The runtime's own private_dir.py, run from its source: nothing of cellpipe is importable yet.
    # Kept per process (as a module would be), so a planted name falls back to the same private copy.
    private_dir = _cellpipe_boot.__dict__.get("private_dir")
    if private_dir is None:
        helper = "cellpipe/runtime/private_dir.py"
        namespace = {"__name__": "cellpipe.runtime.private_dir"}
        exec(compile(sources[helper], helper, "exec"), namespace)  # noqa: S102 (the runtime's own, embedded source)
        private_dir = _cellpipe_boot.__dict__["private_dir"] = namespace["_cellpipe_private_dir"]
    root = private_dir("cellpipe-runtime-" + digest.hexdigest()[:16], files)
    if sys.path[:1] != [root]:
        sys.path.insert(0, root)
    # A cellpipe installed in the image must not shadow the embedded one.
    for name in [m for m in sys.modules if m == "cellpipe" or m.startswith("cellpipe.")]:
        del sys.modules[name]
    return importlib.import_module("cellpipe.runtime.step")
