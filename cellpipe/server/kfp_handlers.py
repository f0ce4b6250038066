"""Handlers under /cellpipe/api/kfp/ (filled in by the kfp feature)."""


def routes(base_url: str) -> list:
    return []
