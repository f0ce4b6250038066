"""The Jupyter server extension: thin Tornado handlers over plain client classes."""
