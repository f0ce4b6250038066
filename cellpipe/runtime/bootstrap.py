def _cellpipe_boot(sources):
    """Write the embedded cellpipe runtime once, into a directory named by its content hash, and import it.

    Inlined verbatim into every step program (docs/step-program.md): standard library only.
    """
    import hashlib
    import importlib
    import os
    import shutil
    import sys
    import tempfile

    if isinstance(sources, str):  # what the compiler embeds: {path: text} as deflated JSON in base64
        import base64
        import json
        import zlib

        sources = json.loads(zlib.decompress(base64.b64decode(sources)).decode("utf-8"))
    digest = hashlib.sha256()
    for path in sorted(sources):
        digest.update(path.encode() + b"\0" + sources[path].encode("utf-8") + b"\0")
    base = tempfile.gettempdir()
    root = os.path.join(base, "cellpipe-runtime-" + digest.hexdigest()[:16])
    if not os.path.isdir(root):
        staging = tempfile.mkdtemp(prefix=".cellpipe-runtime-", dir=base)
        for path, text in sources.items():
            target = os.path.join(staging, *path.split("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w", encoding="utf-8") as handle:
                handle.write(text)
        try:
            os.replace(staging, root)  # atomic; fails if a concurrent step got there first
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)
    if sys.path[:1] != [root]:
        sys.path.insert(0, root)
    # A cellpipe installed in the image must not shadow the embedded one.
    for name in [m for m in sys.modules if m == "cellpipe" or m.startswith("cellpipe.")]:
        del sys.modules[name]
    return importlib.import_module("cellpipe.runtime.step")
