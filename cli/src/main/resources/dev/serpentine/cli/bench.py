# The Python half of `serpentine bench` (Bench.java): times one library on one document, after checking its result
# against json. Runs in a namespace of its own.
import gc
import importlib
import json
import statistics
import time


def available(name):
    try:
        importlib.import_module(name)
        return True
    except ImportError:
        return False


def measure(library, operation, data, min_seconds, min_runs, max_runs):
    """The median time in nanoseconds of library.<operation> on the document, checked against json first."""
    lib = importlib.import_module(library)
    expected = json.loads(data)
    if operation == "loads":
        text = data if library != "json" else data.decode("utf-8")
        if lib.loads(text) != expected:
            raise ValueError("%s.loads gives a different value than json.loads" % library)

        def run():
            lib.loads(text)
    else:
        if json.loads(lib.dumps(expected)) != expected:
            raise ValueError("%s.dumps does not round-trip through json.loads" % library)
        value = expected

        def run():
            lib.dumps(value)
    # Every library starts from the same heap: nothing of the check kept alive, the cyclic GC's generations emptied
    # (a live copy of a large document made each container allocation's collections walk it).
    del expected
    gc.collect()
    # A quarter of the time untimed first: serpentine's Java is timed once the JIT has compiled it, as it runs in a
    # long-lived process (orjson and json have nothing to warm).
    warm_until = time.perf_counter() + min_seconds / 4
    while time.perf_counter() < warm_until:
        run()
    times = []
    deadline = time.perf_counter() + min_seconds
    while len(times) < max_runs and (len(times) < min_runs or time.perf_counter() < deadline):
        start = time.perf_counter_ns()
        run()
        times.append(time.perf_counter_ns() - start)
    return int(statistics.median(times))
