"""The step runtime: runs inside every pipeline step. Standard library only at import time.

Public API for users: `register_backend(predicate, save, load, name, extension)` to marshal
a type of their own. The step program's interface is documented in docs/step-program.md.
"""

from .marshal import MarshalError, register_backend

__all__ = ["MarshalError", "register_backend"]
