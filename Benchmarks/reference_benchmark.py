"""The Python reference (mapbuffer 1.2.0, osteoid 0.7.4) timed on the Swift benchmark's data.

Run by `MapBufferBenchmarks`, never by hand: it reads a plan (JSON) naming the files and keys
the Swift side wrote, times each task as the Swift side times its counterpart (the median of
`runs` runs, each run doing `operations` operations after one warm-up run) and writes
{task id: nanoseconds per operation} as JSON.

    python reference_benchmark.py PLAN.json RESULTS.json
"""

import json
import statistics
import sys
import time
from array import array

from mapbuffer import IntMap, MapBuffer


def read_keys(path):
    keys = array("Q")
    with open(path, "rb") as f:
        keys.frombytes(f.read())
    return keys.tolist()


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def source(task, path):
    """The map's bytes: mapped once when the task says so (as the Swift side maps them), else read."""
    if task.get("mmap"):
        import mmap

        with open(path, "rb") as f:
            return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    return read_bytes(path)


def median_ns(runs, operations, body, minimum_run_ns=20_000_000):
    """Median nanoseconds per operation; each run repeats `body` until it lasts `minimum_run_ns`."""
    start = time.perf_counter_ns()
    body()  # warm-up, and an estimate of one pass
    once = max(time.perf_counter_ns() - start, 1)
    repeats = max(1, -(-minimum_run_ns // once))
    times = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        for _ in range(repeats):
            body()
        times.append((time.perf_counter_ns() - start) / repeats)
    return statistics.median(times) / operations


def frombytes(name):
    if name == "string":
        return lambda b: b.decode("utf-8")
    if name == "json":
        return lambda b: json.loads(b)
    if name == "skeleton":
        from osteoid import Skeleton

        return lambda b: Skeleton.from_precomputed(b)
    return None


def task_lookup(task):
    data = source(task, task["file"])
    keys = read_keys(task["keys"])
    check_crc = task.get("check_crc", True)
    fn = frombytes(task.get("decode"))

    def body():
        mb = MapBuffer(data, check_crc=check_crc, frombytesfn=fn)
        for k in keys:
            mb[k]

    return median_ns(task["runs"], len(keys), body)


def task_intmap_lookup(task):
    data = source(task, task["file"])
    keys = read_keys(task["keys"])

    def body():
        im = IntMap(data)
        for k in keys:
            im[k]

    return median_ns(task["runs"], len(keys), body)


def task_iterate(task):
    data = read_bytes(task["file"])
    mb = MapBuffer(data)
    count = len(mb)

    def body():
        for _k, _v in MapBuffer(data).items():
            pass

    return median_ns(task["runs"], count, body)


def task_validate(task):
    data = read_bytes(task["file"])
    count = len(MapBuffer(data))
    return median_ns(task["runs"], count, lambda: MapBuffer(data).validate())


def task_build(task):
    source = MapBuffer(read_bytes(task["source"]))
    items = source.todict()
    compress = task.get("compress")
    compute_crc = task.get("compute_crc", True)
    return median_ns(
        task["runs"],
        len(items),
        lambda: MapBuffer(items, compress=compress, compute_crc=compute_crc).tobytes(),
    )


TASKS = {
    "lookup": task_lookup,
    "intmap_lookup": task_intmap_lookup,
    "iterate": task_iterate,
    "validate": task_validate,
    "build": task_build,
}


def main():
    plan_path, results_path = sys.argv[1], sys.argv[2]
    with open(plan_path) as f:
        plan = json.load(f)
    results = {}
    for task in plan["tasks"]:
        results[task["id"]] = TASKS[task["kind"]](task)
        print(f"  reference {task['id']}: {results[task['id']]:.0f} ns/op", file=sys.stderr, flush=True)
    with open(results_path, "w") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main()
