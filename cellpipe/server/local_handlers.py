"""Handlers under /cellpipe/api/local/ (filled in by the local feature)."""


def routes(base_url: str) -> list:
    return []
