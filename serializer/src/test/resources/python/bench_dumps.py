# A timing harness (not a test): serpentine.dumps against orjson (where importable) and json on the four corpora,
# in one process, as median milliseconds and ratios. Run by DumpsBenchmark with -Dserpentine.bench=true.
import json
import os
import time

import serpentine

try:
    import orjson
except ImportError:
    orjson = None


def median_ms(f, obj, seconds=1.0):
    times = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end or len(times) < 5:
        t0 = time.perf_counter()
        f(obj)
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2] * 1000


def run(corpus):
    lines = []
    for name in ("twitter.json", "github.json", "citm_catalog.json", "canada.json"):
        with open(os.path.join(corpus, name), "rb") as f:
            obj = json.loads(f.read())
        for label, opt, jkw in (("compact", None, {}), ("indent2", serpentine.OPT_INDENT_2, {"indent": 2}),
                                ("sort", serpentine.OPT_SORT_KEYS, {"sort_keys": True})):
            s = median_ms(lambda o: serpentine.dumps(o, option=opt), obj)
            j = median_ms(lambda o: json.dumps(o, **jkw).encode(), obj)
            line = "%-18s %-8s serpentine %8.3f ms  json %8.3f ms  json/serpentine %5.2fx" % (name, label, s, j, j / s)
            if orjson is not None:
                o = median_ms(lambda x: orjson.dumps(x, option=opt), obj)
                line += "  orjson %8.3f ms  serpentine/orjson %5.2fx" % (o, s / o)
            lines.append(line)
    small = {"a": 1}
    s = median_ms(lambda o: serpentine.dumps(o), small)
    lines.append("dumps({'a': 1}) serpentine %.2f us, json %.2f us" % (s * 1000, median_ms(json.dumps, small) * 1000))
    return "\n".join(lines)
