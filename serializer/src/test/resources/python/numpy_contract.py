# OPT_SERIALIZE_NUMPY (json-contract.md §2.10), run inside the interpreter under test: exact bytes per dtype and
# option, every error, reference counts, float32 digits against numpy's own shortest repr, datetime64 against the
# datetime module, and random arrays against orjson where an orjson with the current contract is importable.
# numpy is the interpreter's own, else the JavaCPP build unpacked by the build (SERPENTINE_NUMPY; CPython 3.14 only).
import ctypes
import datetime
import math
import os
import random
import struct
import sys
import unittest

import serpentine

dumps = serpentine.dumps
N = serpentine.OPT_SERIALIZE_NUMPY


def _numpy():
    try:
        import numpy
        return numpy, None
    except ImportError:
        pass
    root = os.environ.get("SERPENTINE_NUMPY", "")
    python = os.path.join(root, "org", "bytedeco", "numpy", "linux-x86_64", "python")
    core = os.path.join(python, "numpy", "_core")
    tag = sys.implementation.cache_tag  # e.g. cpython-314
    if not os.path.isdir(core):
        return None, "no numpy in this interpreter and none unpacked at %r" % root
    if not any(f.startswith("_multiarray_umath." + tag + "-") for f in os.listdir(core)):
        return None, "no numpy in this interpreter; the unpacked numpy is not built for %s" % tag
    if sys.flags.dev_mode or os.environ.get("PYTHONMALLOC", "") == "debug":
        return None, "the unpacked numpy is not run under PYTHONMALLOC=debug"
    blas = os.path.join(root, "org", "bytedeco", "openblas", "linux-x86_64")
    for lib in ("libgcc_s.so.1", "libquadmath.so.0", "libgfortran.so.5", "libopenblas.so.0"):
        ctypes.CDLL(os.path.join(blas, lib), mode=ctypes.RTLD_GLOBAL)  # numpy finds OpenBLAS by its soname
    sys.path.insert(0, python)
    import numpy
    return numpy, None


np, WHY_NO_NUMPY = _numpy()


def needs_numpy():
    if np is None:
        raise unittest.SkipTest(WHY_NO_NUMPY)


def raises(call, message, exc_type=TypeError):
    try:
        call()
    except BaseException as e:
        assert type(e) is exc_type, (type(e), e)
        assert str(e) == message, (str(e), message)
        return e
    raise AssertionError("no exception, expected " + message)


def d(obj, option=0, **kw):
    return dumps(obj, option=N | option, **kw)


def test_without_the_option():
    needs_numpy()
    for v in (np.array([1]), np.float64(1.5), np.float32(1), np.int64(1), np.bool_(True), np.datetime64(1, "s")):
        raises(lambda: dumps(v), "Type is not JSON serializable: " + type(v).__module__ + "." + type(v).__name__)
    assert dumps(np.array([1]), default=lambda a: a.tolist()) == b"[1]"
    # numpy.float64 is a float subclass, numpy.str_ a str subclass: the subclass rules apply without the option
    assert dumps(np.str_("x")) == b'"x"'


def test_scalars():
    needs_numpy()
    cases = [
        (np.float64(1.5), b"1.5"), (np.float64(1e16), b"1e+16"), (np.float64(0.1), b"0.1"), (np.float64(-0.0), b"-0.0"),
        (np.float64("nan"), b"null"), (np.float64("inf"), b"null"), (np.float32("-inf"), b"null"),
        (np.float32(0.1), b"0.1"), (np.float32(1e13), b"1e+13"), (np.float32(1e12), b"1000000000000.0"),
        (np.float32(1e-6), b"0.000001"), (np.float32(1e-7), b"1e-7"), (np.float32(123456789.0), b"123456790.0"),
        (np.float32(3.4028235e38), b"3.4028235e+38"), (np.float32(1e-45), b"1e-45"), (np.float32(7e-45), b"7e-45"),
        (np.float32(16777216.0), b"16777216.0"), (np.float32(-0.0), b"-0.0"),
        (np.float16(0.1), b"0.099975586"), (np.float16(1.1920929e-7), b"1.1920929e-7"), (np.float16(65504), b"65504.0"),
        (np.float16("nan"), b"null"),
        (np.int64(-2 ** 63), b"-9223372036854775808"), (np.int64(2 ** 63 - 1), b"9223372036854775807"),
        (np.int32(-2 ** 31), b"-2147483648"), (np.int16(-5), b"-5"), (np.int8(-128), b"-128"),
        (np.uint64(2 ** 64 - 1), b"18446744073709551615"), (np.uint32(2 ** 32 - 1), b"4294967295"),
        (np.uint16(65535), b"65535"), (np.uint8(255), b"255"), (np.intp(3), b"3"), (np.uintp(3), b"3"),
        (np.bool_(True), b"true"), (np.bool_(False), b"false"),
        (np.datetime64("2021-01-01T00:00:00.123456789"), b'"2021-01-01T00:00:00.123456"'),
        (np.str_("x"), b'"x"'),
    ]
    for v, expected in cases:
        assert d(v) == expected, (v, d(v), expected)
    # STRICT_INTEGER does not apply to numpy ints
    assert d(np.int64(2 ** 60), serpentine.OPT_STRICT_INTEGER) == b"1152921504606846976"
    for v in (np.longlong(1), np.ulonglong(1), np.complex128(1), np.timedelta64(1, "s")):
        if type(v) in (np.int64, np.uint64):
            continue  # an alias on this platform
        raises(lambda: d(v), "Type is not JSON serializable: numpy." + type(v).__name__)
    assert d({"a": np.float64(1.5), "b": [np.int8(1)]}) == b'{"a":1.5,"b":[1]}'
    raises(lambda: d({np.int64(1): 1}, serpentine.OPT_NON_STR_KEYS),
           "Dict key must a type serializable with OPT_NON_STR_KEYS")


def test_arrays_of_every_dtype():
    needs_numpy()
    ints = [0, 1, -1, 100]
    for dt, expected in [
        ("float64", b"[0.0,1.0,-1.0,100.0]"), ("float32", b"[0.0,1.0,-1.0,100.0]"), ("float16", b"[0.0,1.0,-1.0,100.0]"),
        ("int64", b"[0,1,-1,100]"), ("int32", b"[0,1,-1,100]"), ("int16", b"[0,1,-1,100]"), ("int8", b"[0,1,-1,100]"),
        ("uint64", b"[0,1,18446744073709551615,100]"), ("uint32", b"[0,1,4294967295,100]"),
        ("uint16", b"[0,1,65535,100]"), ("uint8", b"[0,1,255,100]"), ("bool", b"[false,true,true,true]"),
        ("longlong", b"[0,1,-1,100]"), ("ulonglong", b"[0,1,18446744073709551615,100]"),
    ]:
        a = np.array(ints).astype(dt)
        assert d(a) == expected, (dt, d(a))
        assert d(a.reshape(2, 2)) == b"[[" + expected[1:-1].split(b",", 2)[0] + b"," + \
            expected[1:-1].split(b",")[1] + b"],[" + b",".join(expected[1:-1].split(b",")[2:]) + b"]]", dt
    assert d(np.array([np.nan, np.inf, -np.inf, 0.5])) == b"[null,null,null,0.5]"
    assert d(np.array([0.1, 1e-7], dtype=np.float32)) == b"[0.1,1e-7]"
    assert d(np.array(["1970-01-01T00:00:01", "NaT"], dtype="M8[s]")[:1]) == b'["1970-01-01T00:00:01"]'
    assert d(np.zeros((2, 0, 3))) == b"[[],[]]"
    assert d(np.zeros((0, 3))) == b"[]"
    assert d(np.array([])) == b"[]"
    assert d(np.zeros((1,) * 32)) == b"[" * 32 + b"0.0" + b"]" * 32
    assert d(np.arange(24).reshape(2, 3, 4)) == str(np.arange(24).reshape(2, 3, 4).tolist()).replace(" ", "").encode()
    big = np.arange(100000, dtype=np.int64) * 12345  # more than one chunk of data
    assert d(big) == ("[" + ",".join(str(x) for x in big.tolist()) + "]").encode()
    assert d([np.array([1]), {"a": np.array([[True]])}]) == b'[[1],{"a":[[true]]}]'


def test_indent_and_newline():
    needs_numpy()
    assert d(np.zeros((2, 2)), serpentine.OPT_INDENT_2) == \
        b"[\n  [\n    0.0,\n    0.0\n  ],\n  [\n    0.0,\n    0.0\n  ]\n]"
    assert d(np.zeros((2, 0, 3)), serpentine.OPT_INDENT_2) == b"[\n  [],\n  []\n]"
    assert d([np.zeros((0,))], serpentine.OPT_INDENT_2) == b"[\n  []\n]"
    assert d({"a": np.array([1, 2])}, serpentine.OPT_INDENT_2 | serpentine.OPT_APPEND_NEWLINE) == \
        b'{\n  "a": [\n    1,\n    2\n  ]\n}\n'


def test_datetime64():
    needs_numpy()
    cases = [
        (np.datetime64(1, "Y"), "1971-01-01T00:00:00"), (np.datetime64(-1, "Y"), "1969-01-01T00:00:00"),
        (np.datetime64(1, "M"), "1970-02-01T00:00:00"), (np.datetime64(-1, "M"), "1969-12-01T00:00:00"),
        (np.datetime64(-13, "M"), "1968-12-01T00:00:00"), (np.datetime64(-1970 * 12, "M"), "0000-01-01T00:00:00"),
        (np.datetime64(1, "W"), "1970-01-08T00:00:00"), (np.datetime64(-1, "W"), "1969-12-25T00:00:00"),
        (np.datetime64(-1, "D"), "1969-12-31T00:00:00"), (np.datetime64(1, "h"), "1970-01-01T01:00:00"),
        (np.datetime64(-1, "m"), "1969-12-31T23:59:00"), (np.datetime64(-1, "s"), "1969-12-31T23:59:59"),
        (np.datetime64(1, "ms"), "1970-01-01T00:00:00.001000"), (np.datetime64(-1, "ms"), "1969-12-31T23:59:59.999000"),
        (np.datetime64(-1, "us"), "1969-12-31T23:59:59.999999"), (np.datetime64(1, "ns"), "1970-01-01T00:00:00"),
        (np.datetime64(-1, "ns"), "1969-12-31T23:59:59.999999"),
        (np.datetime64("NaT", "ns"), "1677-09-21T00:12:43.145224"),
        (np.datetime64(2 ** 63 - 1, "ns"), "2262-04-11T23:47:16.854775"),
        (np.datetime64(-1970, "Y"), "0000-01-01T00:00:00"), (np.datetime64(8029, "Y"), "9999-01-01T00:00:00"),
        (np.datetime64("9999-12-31T23:59:59.999999"), "9999-12-31T23:59:59.999999"),
        (np.datetime64("0000-01-01T00:00:00"), "0000-01-01T00:00:00"),
        (np.datetime64("2020-02-29T12:34:56"), "2020-02-29T12:34:56"),
    ]
    for v, text in cases:
        assert d(v) == b'"' + text.encode() + b'"', (v, d(v), text)
        assert d(np.array([v, v])) == ('["%s","%s"]' % (text, text)).encode(), (v, d(np.array([v, v])))
    v = np.datetime64("2021-01-01T00:00:00.123456789")
    assert d(v, serpentine.OPT_NAIVE_UTC | serpentine.OPT_OMIT_MICROSECONDS) == b'"2021-01-01T00:00:00+00:00"'
    assert d(v, serpentine.OPT_NAIVE_UTC | serpentine.OPT_UTC_Z) == b'"2021-01-01T00:00:00.123456Z"'
    assert d(v, serpentine.OPT_NAIVE_UTC) == b'"2021-01-01T00:00:00.123456+00:00"'
    assert d(v, serpentine.OPT_UTC_Z) == b'"2021-01-01T00:00:00.123456"'
    assert d(np.array([v]), serpentine.OPT_OMIT_MICROSECONDS) == b'["2021-01-01T00:00:00"]'
    # PASSTHROUGH_DATETIME concerns the datetime module only
    assert d(np.datetime64(1, "s"), serpentine.OPT_PASSTHROUGH_DATETIME) == b'"1970-01-01T00:00:01"'
    for unit, name in (("ps", "picoseconds"), ("fs", "femtoseconds"), ("as", "attoseconds")):
        for v in (np.datetime64(1, unit), np.array([1, 2], dtype="M8[%s]" % unit)):
            raises(lambda: d(v), "unsupported numpy.datetime64 unit: " + name)
            raises(lambda: d(v, default=str), "unsupported numpy.datetime64 unit: " + name)  # even with default
    raises(lambda: d(np.datetime64("NaT")), "unsupported numpy.datetime64 unit: NaT")
    raises(lambda: d(np.datetime64(1, "10s")), "unsupported numpy.datetime64 unit: 10 seconds")
    raises(lambda: d(np.array([1], dtype="M8[10s]")), "unsupported numpy.datetime64 unit: 10 seconds")
    for v, message in [
        (np.datetime64("10000-01-01"), "2932897 days"), (np.datetime64("-0001-01-01"), "-719893 days"),
        (np.datetime64(-1971, "Y"), "-1971 years"), (np.datetime64(8030, "Y"), "8030 years"),
        (np.datetime64(-1970 * 12 - 1, "M"), "-23641 months"), (np.datetime64("NaT", "s"), "-9223372036854775808 seconds"),
        (np.datetime64(10 ** 18, "s"), "1000000000000000000 seconds"), (np.datetime64(2 ** 62, "D"), "%d days" % 2 ** 62),
        (np.datetime64("-0001-12-31T23:59:59"), "-62167219201 seconds"),
    ]:
        raises(lambda: d(v), "unrepresentable numpy.datetime64: " + message)
        raises(lambda: d(np.array([v])), "unrepresentable numpy.datetime64: " + message)


def test_datetime64_against_the_datetime_module():
    needs_numpy()
    rnd = random.Random(64)
    epoch = datetime.datetime(1970, 1, 1)
    lo = int((datetime.datetime(1, 1, 1) - epoch).total_seconds())
    hi = int((datetime.datetime(9999, 12, 31, 23, 59, 59) - epoch).total_seconds())
    per = {"W": 604800, "D": 86400, "h": 3600, "m": 60, "s": 1}
    for _ in range(20000):
        unit = rnd.choice(["W", "D", "h", "m", "s", "ms", "us", "ns"])
        if unit in per:
            v = rnd.randint(lo // per[unit], hi // per[unit])
            micros = v * per[unit] * 10 ** 6
        else:
            scale = {"ms": 10 ** 3, "us": 1, "ns": 1}[unit]
            v = rnd.randint(lo * 10 ** 6 // scale, hi * 10 ** 6 // scale) if unit != "ns" else rnd.randint(-2 ** 63, 2 ** 63 - 1)
            micros = v * scale if unit != "ns" else v // 1000
        dt = epoch + datetime.timedelta(microseconds=micros)
        expected = dt.isoformat()
        if dt.microsecond == 0 and "." in expected:
            expected = expected.split(".")[0]
        assert d(np.datetime64(v, unit)) == b'"' + expected.encode() + b'"', (v, unit, expected)


def test_array_errors():
    needs_numpy()
    strided = np.array([[1, 2], [3, 4]])[:, 0]
    big_endian = np.array([1, 2], dtype=">i4")
    zero_d = np.array(1)
    for a, message, via_default in [
        (strided, "numpy array is not C contiguous; use ndarray.tolist() in default", True),
        (np.array([1, 2])[::-1], "numpy array is not C contiguous; use ndarray.tolist() in default", True),
        (np.ones((3, 1))[::2], "numpy array is not C contiguous; use ndarray.tolist() in default", True),
        (big_endian, "numpy array is not native-endianness", False),
        (np.array([1.0], dtype=">f8"), "numpy array is not native-endianness", False),
        (np.array(["2021-01-01"], dtype=">M8[D]"), "numpy array is not native-endianness", False),
        (zero_d, "unsupported datatype in numpy array", True),
        (np.array([1j]), "unsupported datatype in numpy array", True),
        (np.array(["a"]), "unsupported datatype in numpy array", True),
        (np.array([1], dtype=object), "unsupported datatype in numpy array", True),
        (np.array([1], dtype="m8[s]"), "unsupported datatype in numpy array", True),
        (np.array([1.0], dtype=np.longdouble), "unsupported datatype in numpy array", True),
    ]:
        e = raises(lambda: d(a), message)
        assert e.__cause__ is None
        if via_default:
            assert d(a, default=lambda x: "dflt") == b'"dflt"', message
            e = raises(lambda: d(a, default=None), "Type is not JSON serializable: numpy.ndarray")
            assert isinstance(e.__cause__, TypeError)
        else:
            raises(lambda: d(a, default=lambda x: "dflt"), message)
    assert d(strided, default=lambda x: x.tolist()) == b"[1,3]"
    raises(lambda: d(np.matrix([[1]])), "Type is not JSON serializable: matrix")
    raises(lambda: d(np.ma.array([1])), "Type is not JSON serializable: MaskedArray")


def test_nesting_limit():
    needs_numpy()
    a = np.zeros((1,) * 32)
    ok = a
    for _ in range(254 - 32):
        ok = [ok]
    assert d(ok).count(b"[") == 254
    raises(lambda: d([ok]), "Recursion limit reached")


def test_reference_counts():
    needs_numpy()
    items = [np.arange(10.0), np.float32(1.5), np.int64(3), np.datetime64(1, "s"), np.array([1, 2])[::-1],
             np.array([1], dtype="M8[ms]"), np.array([1], dtype=">i4"), np.bool_(True)]
    before = [sys.getrefcount(x) for x in items]
    for _ in range(50):
        d(items[:4] + items[5:6])
        for bad in items[4:5] + items[6:7]:
            try:
                d([bad])
            except TypeError:
                pass
        del bad
        d(items[:6] + items[7:], default=lambda x: x.tolist())
    after = [sys.getrefcount(x) for x in items]
    assert before == after, (before, after)


def test_float32_against_numpy_shortest_repr():
    needs_numpy()
    rnd = random.Random(32)
    bits = [rnd.getrandbits(32) for _ in range(100000)] + list(range(0, 3000)) + \
        [0x7F7FFFFF - i for i in range(3000)] + [0x00800000 + i for i in range(-1500, 1500)]
    values = np.frombuffer(struct.pack("<%dI" % len(bits), *bits), dtype="<f4")
    values = values[np.isfinite(values)]
    got = d(values)[1:-1].split(b",")
    assert len(got) == len(values)
    for v, g in zip(values.tolist(), got):
        f = np.float32(v)
        assert np.float32(float(g)) == f, (v, g)
        # numpy's repr of float32 is its shortest round-trip digits (Dragon4, unique=True)
        sci = np.format_float_scientific(f, unique=True, trim="-")
        mantissa = sci.split("e")[0].lstrip("-").replace(".", "").rstrip("0") or "0"
        mine = g.decode().lstrip("-").split("e")[0].replace(".", "").lstrip("0").rstrip("0") or "0"
        assert mine == mantissa, (v, g, sci)


def _orjson():
    try:
        import orjson
    except ImportError:
        raise unittest.SkipTest("orjson is not importable in this interpreter")
    version = tuple(int(p) for p in orjson.__version__.split(".")[:3])
    if version < (3, 11, 7):
        raise unittest.SkipTest("orjson %s predates the contract's float layout (3.11.7+)" % orjson.__version__)
    return orjson


def _random_array(rnd):
    dt = rnd.choice(["float64", "float32", "float16", "int64", "int32", "int16", "int8", "uint64", "uint32",
                     "uint16", "uint8", "bool", "M8[s]", "M8[ms]", "M8[us]", "M8[ns]", "M8[D]", "M8[Y]"])
    shape = tuple(rnd.randint(0, 4) for _ in range(rnd.randint(1, 3)))
    n = int(np.prod(shape))
    if dt.startswith("M8"):
        # within orjson's range (it panics on negative months and stops before 9999-12-30T22:00)
        lo, hi = {"M8[s]": (-6e10, 2.5e11), "M8[ms]": (-6e13, 2.5e14), "M8[us]": (-6e16, 2.5e17),
                  "M8[ns]": (-9e18, 9e18), "M8[D]": (-7e5, 2.9e6), "M8[Y]": (-1970, 8029)}[dt]
        a = np.array([rnd.randint(int(lo), int(hi)) for _ in range(n)], dtype="int64").view(dt)
    else:
        raw = bytes(rnd.getrandbits(8) for _ in range(n * np.dtype(dt).itemsize))
        a = np.frombuffer(raw, dtype=dt).copy()
        if dt == "bool":
            a = a.view("uint8").astype(bool)
    return a.reshape(shape)


def test_random_arrays_against_orjson():
    needs_numpy()
    orjson = _orjson()
    rnd = random.Random(3000)
    for i in range(3000):
        a = _random_array(rnd)
        opt = rnd.choice([0, serpentine.OPT_INDENT_2, serpentine.OPT_NAIVE_UTC | serpentine.OPT_UTC_Z,
                          serpentine.OPT_OMIT_MICROSECONDS | serpentine.OPT_NAIVE_UTC])
        doc = {"a": a, "s": a.flat[0] if a.size else None} if i % 2 else [a]
        assert d(doc, opt) == orjson.dumps(doc, option=N | opt), (a.dtype, a.shape, a.tolist(), opt)
