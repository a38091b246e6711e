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


def run_numpy():
    """OPT_SERIALIZE_NUMPY on a few large arrays, against orjson where importable. Outputs of 20 MB and more are
    dominated by page faults on a loaded VM (orjson too), hence 1e5 sizes as well."""
    try:
        import numpy as np
    except ImportError:
        return "numpy is not importable: no numpy timings"
    rnd = np.random.default_rng(1)
    arrays = {
        "float64 1e5": rnd.standard_normal(100_000),
        "float64 1e6": rnd.standard_normal(1_000_000),
        "int64 1e5": rnd.integers(-2 ** 62, 2 ** 62, 100_000),
        "int64 1e6": rnd.integers(-2 ** 62, 2 ** 62, 1_000_000),
        "float32 1000x1000": rnd.standard_normal((1000, 1000)).astype(np.float32),
        "bool 1e6": rnd.integers(0, 2, 1_000_000).astype(bool),
        "datetime64[us] 1e5": rnd.integers(0, 2 * 10 ** 15, 100_000).view("M8[us]"),
    }
    opt = serpentine.OPT_SERIALIZE_NUMPY
    lines = []
    for label, a in arrays.items():
        fs = [lambda x: serpentine.dumps(x, option=opt)]
        if orjson is not None:
            fs.append(lambda x: orjson.dumps(x, option=opt))
        ms = medians_ms(fs, a, seconds=3)
        line = "%-20s serpentine %8.2f ms" % (label, ms[0])
        if orjson is not None:
            line += "  orjson %8.2f ms  serpentine/orjson %5.2fx" % (ms[1], ms[0] / ms[1])
        lines.append(line)
    return "\n".join(lines)
