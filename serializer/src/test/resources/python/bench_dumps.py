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


def medians_ms(fs, obj, seconds=1.5):
    """Median milliseconds of each function, timed in alternation so that load on the machine hits all alike."""
    times = [[] for _ in fs]
    end = time.perf_counter() + seconds
    while time.perf_counter() < end or len(times[0]) < 5:
        for f, t in zip(fs, times):
            t0 = time.perf_counter()
            f(obj)
            t.append(time.perf_counter() - t0)
    out = []
    for t in times:
        t.sort()
        out.append(t[len(t) // 2] * 1000)
    return out


def run(corpus):
    lines = []
    for name in ("twitter.json", "github.json", "citm_catalog.json", "canada.json"):
        with open(os.path.join(corpus, name), "rb") as f:
            obj = json.loads(f.read())
        for label, opt, jkw in (("compact", None, {}), ("indent2", serpentine.OPT_INDENT_2, {"indent": 2}),
                                ("sort", serpentine.OPT_SORT_KEYS, {"sort_keys": True})):
            fs = [lambda o: serpentine.dumps(o, option=opt), lambda o: json.dumps(o, **jkw).encode()]
            if orjson is not None:
                fs.append(lambda x: orjson.dumps(x, option=opt))
            ms = medians_ms(fs, obj)
            s, j = ms[0], ms[1]
            line = "%-18s %-8s serpentine %8.3f ms  json %8.3f ms  json/serpentine %5.2fx" % (name, label, s, j, j / s)
            if orjson is not None:
                o = ms[2]
                line += "  orjson %8.3f ms  serpentine/orjson %5.2fx" % (o, s / o)
            lines.append(line)
    small = {"a": 1}
    s, j = medians_ms([serpentine.dumps, json.dumps], small)
    lines.append("dumps({'a': 1}) serpentine %.2f us, json %.2f us" % (s * 1000, j * 1000))
    return "\n".join(lines)
