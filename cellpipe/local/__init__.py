"""Run a compiled pipeline package on this machine."""
