"""The Python reference (mapbuffer 1.2.0) reading a map over HTTP range requests, timed and counted.

The reference reads any object whose `__getitem__` takes byte slices; this gives it one that
sends a `GET` with `Range` per slice over one keep-alive connection (as a cloud-files object
does), and counts the requests. Run by `RemoteReadBenchmark`, never by hand:

    python reference_remote_benchmark.py PLAN.json RESULTS.json
    python reference_remote_benchmark.py --proxy UPSTREAM_HOST UPSTREAM_PORT DELAY_MS

PLAN: {"url", "keys": [lookup keys], "batch": [batch keys], "runs", "cache": folder,
       "concurrent": [[keys of task 1], ... [keys of task 8]]}
RESULTS: {workload: {"ns": median nanoseconds, "requests": requests made}}

With `--proxy`, it is instead a TCP proxy on loopback to the upstream that holds every chunk of
bytes DELAY_MS milliseconds in each direction (a round trip then costs twice that more), printing
its port on the first line of its output; it runs until killed.
"""

import collections
import concurrent.futures
import http.client
import json
import os
import signal
import socket
import statistics
import sys
import threading
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
    # Many lookups at once: the reference's best is a pool of threads, each with a connection
    # and an open map of its own (opened beforehand); timed from the first lookup to the last.
    tasks = plan["concurrent"]
    readers = []
    for _ in tasks:
        source = HTTPRangeBytes(url)
        mb = MapBuffer(source)
        mb[keys[0]]
        readers.append((source, mb))
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=len(tasks))
    def all_tasks():
        def task(index):
            mb = readers[index][1]
            for key in tasks[index]:
                assert mb[key] is not None
        list(pool.map(task, range(len(tasks))))
    before = sum(source.requests for source, _ in readers)
    ns = median_ns(runs, all_tasks)
    results["concurrent lookups"] = {
        "ns": ns, "requests": (sum(source.requests for source, _ in readers) - before) // runs,
    }
    pool.shutdown()
    json.dump(results, open(sys.argv[2], "w"))


def proxy(upstream_host, upstream_port, delay_ms):
    """A TCP proxy holding each chunk `delay_ms` in each direction: a thread reads a side and
    queues what it read with the time it is due; another sends it on the other side then."""
    delay = delay_ms / 1000
    # Ends at SIGTERM even if started with it ignored, its connection threads with it.
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    print(listener.getsockname()[1], flush=True)

    def pipe(source, destination, finished):
        queue = collections.deque()
        ready = threading.Condition()
        def send():
            while True:
                with ready:
                    while not queue:
                        ready.wait()
                    due, data = queue.popleft()
                wait = due - time.perf_counter()
                if wait > 0:
                    time.sleep(wait)
                if not data:
                    try:
                        destination.shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
                    finished()
                    return
                try:
                    destination.sendall(data)
                except OSError:
                    finished()
                    return
        threading.Thread(target=send, daemon=True).start()
        while True:
            try:
                data = source.recv(1 << 20)
            except OSError:
                data = b""
            with ready:
                queue.append((time.perf_counter() + delay, data))
                ready.notify()
            if not data:
                return

    def serve(client):
        upstream = socket.create_connection((upstream_host, upstream_port))
        for connection in (client, upstream):
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # Both sockets are closed once both directions have ended.
        remaining = [2]
        lock = threading.Lock()
        def finished():
            with lock:
                remaining[0] -= 1
                if remaining[0] == 0:
                    client.close()
                    upstream.close()
        threading.Thread(target=pipe, args=(client, upstream, finished), daemon=True).start()
        threading.Thread(target=pipe, args=(upstream, client, finished), daemon=True).start()

    while True:
        client, _ = listener.accept()
        serve(client)


if __name__ == "__main__":
    if sys.argv[1] == "--proxy":
        proxy(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    else:
        main()
