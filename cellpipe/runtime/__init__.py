"""The step runtime: runs inside every pipeline step. Standard library only at import time."""
