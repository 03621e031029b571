"""The Python reference (mapbuffer 1.2.0) reading a map over HTTP range requests, timed and counted.

The reference reads any object whose `__getitem__` takes byte slices; this gives it one that
sends a `GET` with `Range` per slice over one keep-alive connection (as a cloud-files object
does), and counts the requests. Run by `RemoteReadBenchmark`, never by hand:

    python reference_remote_benchmark.py PLAN.json RESULTS.json

PLAN: {"url", "keys": [lookup keys], "batch": [batch keys], "runs", "cache": folder}
RESULTS: {workload: {"ns": median nanoseconds, "requests": requests made}}
"""

import http.client
import json
import os
import statistics
import sys
import time
from urllib.parse import urlparse

from mapbuffer import MapBuffer


class HTTPRangeBytes:
    """A read-only bytes-like object over HTTP: each slice is one range request."""

    def __init__(self, url):
        parsed = urlparse(url)
        self.connection = http.client.HTTPConnection(parsed.hostname, parsed.port)
        self.path = parsed.path
        self.size = None
        self.requests = 0

    def fetch(self, start, stop):
        self.requests += 1
        self.connection.request("GET", self.path, headers={"Range": f"bytes={start}-{stop - 1}"})
        response = self.connection.getresponse()
        body = response.read()
        if response.status != 206:
            raise IOError(f"HTTP {response.status}")
        total = response.getheader("Content-Range").rsplit("/", 1)[1]
        self.size = int(total)
        return body

    def __len__(self):
        if self.size is None:
            self.fetch(0, 1)
        return self.size

    def __getitem__(self, item):
        if not isinstance(item, slice):
            return self[item:item + 1][0]
        start = item.start or 0
        stop = item.stop
        if stop is None:
            stop = len(self)
        if stop <= start:
            return b""
        return self.fetch(start, stop)


def median_ns(runs, body):
    times = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        body()
        times.append(time.perf_counter_ns() - start)
    return statistics.median(times)


def main():
    plan = json.load(open(sys.argv[1]))
    url, keys, batch, runs = plan["url"], plan["keys"], plan["batch"], plan["runs"]
    results = {}

    # Open and read one item, no cache: the reference fetches the header, then the index, then the item.
    counted = []
    def cold():
        source = HTTPRangeBytes(url)
        assert MapBuffer(source)[keys[0]] is not None
        counted.append(source.requests)
    results["first lookup, cold"] = {"ns": median_ns(runs, cold), "requests": counted[-1]}

    # The same with the reference's index cache (a file path; no invalidation, so one per map), filled beforehand.
    cache = os.path.join(plan["cache"], "reference-index-" + os.path.basename(urlparse(url).path))
    MapBuffer(HTTPRangeBytes(url), index_cache=cache)[keys[0]]
    counted = []
    def warm():
        source = HTTPRangeBytes(url)
        assert MapBuffer(source, index_cache=cache)[keys[0]] is not None
        counted.append(source.requests)
    results["first lookup, warm (index cache)"] = {"ns": median_ns(runs, warm), "requests": counted[-1]}

    # Lookups through an open map: one item each.
    source = HTTPRangeBytes(url)
    mb = MapBuffer(source)
    mb[keys[0]]
    before = source.requests
    times = []
    for key in keys:
        start = time.perf_counter_ns()
        assert mb[key] is not None
        times.append(time.perf_counter_ns() - start)
    results["lookup, open map"] = {"ns": statistics.median(times), "requests": (source.requests - before) / len(keys)}

    # A batch: the reference has no batch read, so one lookup after another.
    before = source.requests
    results["batch of keys"] = {
        "ns": median_ns(runs, lambda: [mb[key] for key in batch]),
        "requests": (source.requests - before) // runs,
    }
    json.dump(results, open(sys.argv[2], "w"))


if __name__ == "__main__":
    main()
