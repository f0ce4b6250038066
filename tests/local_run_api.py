"""The local-run API as the browser uses it: after posting a package, poll the run until it is done."""

import asyncio
import json


async def poll(jp_fetch, run_id: str, tries: int = 1200) -> dict:
    """The run's state once it is done (asked every 50 ms, `tries` times: a minute by default)."""
    for _ in range(tries):
        response = await jp_fetch("cellpipe", "api", "local", "runs", run_id)
        body = json.loads(response.body)
        if body["done"]:
            return body
        await asyncio.sleep(0.05)
    raise AssertionError("the local run did not finish")
