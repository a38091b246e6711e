# The dumps contract (json-contract.md §2), run inside the interpreter under test. Each test_* function asserts
# against exact bytes from the contract, or against json / orjson where they are the oracle.
import dataclasses
import datetime
import enum
import json
import sys
import uuid

import serpentine

dumps = serpentine.dumps


def raises(call, message, exc_type=TypeError):
    try:
        call()
    except BaseException as e:
        assert type(e) is exc_type, (type(e), e)
        assert str(e) == message, (str(e), message)
        return e
    raise AssertionError("no exception, expected " + message)


def test_api():
    assert serpentine.JSONEncodeError is TypeError
    opts = dict(OPT_INDENT_2=1, OPT_NAIVE_UTC=2, OPT_NON_STR_KEYS=4, OPT_OMIT_MICROSECONDS=8,
                OPT_SERIALIZE_NUMPY=16, OPT_SORT_KEYS=32, OPT_STRICT_INTEGER=64, OPT_UTC_Z=128,
                OPT_PASSTHROUGH_SUBCLASS=256, OPT_PASSTHROUGH_DATETIME=512, OPT_APPEND_NEWLINE=1024,
                OPT_PASSTHROUGH_DATACLASS=2048, OPT_SERIALIZE_DATACLASS=0, OPT_SERIALIZE_UUID=0)
    for name, value in opts.items():
        assert getattr(serpentine, name) == value, name
    assert dumps.__module__ == "serpentine"
    assert dumps.__text_signature__ == "(obj, /, default=None, option=None)"
    import inspect
    assert str(inspect.signature(dumps)) == "(obj, /, default=None, option=None)"


def test_arguments():
    raises(lambda: dumps(), "dumps() missing 1 required positional argument: 'obj'")
    raises(lambda: dumps(obj=1), "dumps() missing 1 required positional argument: 'obj'")
    raises(lambda: dumps(1, None, default=None), "dumps() got multiple values for argument: 'default'")
    raises(lambda: dumps(1, None, 0, option=0), "dumps() got multiple values for argument: 'option'")
    raises(lambda: dumps(1, foo=1), "dumps() got an unexpected keyword argument")
    raises(lambda: dumps([1], None, 1, 0), "dumps() takes at most 3 positional arguments (4 given)")
    assert dumps(1, None, None) == b"1"
    assert dumps([1], None, 1) == b"[\n  1\n]"
    assert dumps([1], option=1, default=str) == b"[\n  1\n]"
    for bad in (True, -1, 4096, 2 ** 30, 2 ** 64, 1.0, "1"):
        raises(lambda: dumps(1, option=bad), "Invalid opts")
    assert dumps(1, option=4095 & ~16) == b"1\n"
    # An explicit default=None is a callable that fails: its TypeError is the cause.
    e = raises(lambda: dumps(object(), default=None), "Type is not JSON serializable: object")
    assert isinstance(e.__cause__, TypeError)
    e = raises(lambda: dumps(object()), "Type is not JSON serializable: object")
    assert e.__cause__ is None


def test_scalars():
    assert dumps(None) == b"null"
    assert dumps(True) == b"true"
    assert dumps(False) == b"false"
    assert dumps("") == b'""'
    assert dumps([]) == b"[]"
    assert dumps({}) == b"{}"
    assert dumps(()) == b"[]"
    assert dumps((1, "a")) == b'[1,"a"]'
    assert dumps({"a": "b", "c": {"d": True}, "e": [1, 2]}) == b'{"a":"b","c":{"d":true},"e":[1,2]}'
    assert dumps({"a": "b", "c": {"d": True}, "e": [1, 2]}, option=1) == \
        b'{\n  "a": "b",\n  "c": {\n    "d": true\n  },\n  "e": [\n    1,\n    2\n  ]\n}'
    assert dumps({"a": [], "b": {}}, option=1) == b'{\n  "a": [],\n  "b": {}\n}'
    assert dumps(1, option=1) == b"1"
    assert dumps([1], option=1024) == b"[1]\n"
    assert dumps([1], option=1025) == b"[\n  1\n]\n"


def test_integers():
    for v in (0, 1, -1, 9, 10, 2 ** 30 - 1, 2 ** 30, 2 ** 31, 2 ** 53, 2 ** 60, 2 ** 62, 2 ** 63 - 1, 2 ** 63,
              2 ** 64 - 1, -2 ** 63, -2 ** 63 + 1, -2 ** 60, 10 ** 18, 10 ** 19, -(10 ** 18), 12345678901234567890):
        assert dumps(v) == str(v).encode(), v
    for v in (2 ** 64, -2 ** 63 - 1, 2 ** 100, -2 ** 100, 10 ** 30):
        raises(lambda: dumps(v), "Integer exceeds 64-bit range")
        raises(lambda: dumps([v]), "Integer exceeds 64-bit range")
    assert dumps(-0) == b"0"
    s = serpentine.OPT_STRICT_INTEGER
    assert dumps(2 ** 53 - 1, option=s) == b"9007199254740991"
    assert dumps(-(2 ** 53 - 1), option=s) == b"-9007199254740991"
    raises(lambda: dumps(2 ** 53, option=s), "Integer exceeds 53-bit range")
    raises(lambda: dumps(-(2 ** 53), option=s), "Integer exceeds 53-bit range")
    raises(lambda: dumps(2 ** 64, option=s), "Integer exceeds 64-bit range")

    class I(int):
        def __int__(self):
            return 5
    assert dumps(I(7)) == b"7"

    class E(enum.IntEnum):
        A = 3
    assert dumps(E.A) == b"3"


def test_floats():
    cases = [(1.0, b"1.0"), (100.0, b"100.0"), (123456789.0, b"123456789.0"),
             (9007199254740992.0, b"9007199254740992.0"), (1000000000000000.0, b"1000000000000000.0"),
             (3.141592653589793, b"3.141592653589793"), (0.1, b"0.1"), (0.0001, b"0.0001"), (0.00001, b"0.00001"),
             (0.000025, b"0.000025"), (0.0000123, b"0.0000123"), (0.0, b"0.0"), (-0.0, b"-0.0"), (1e16, b"1e+16"),
             (1.5e16, b"1.5e+16"), (12345678901234567.0, b"1.2345678901234568e+16"),
             (1.7976931348623157e308, b"1.7976931348623157e+308"), (5e-324, b"5e-324"), (1e-323, b"1e-323"),
             (2.2250738585072014e-308, b"2.2250738585072014e-308"), (1e-06, b"1e-6"), (1e-07, b"1e-7"),
             (1e20, b"1e+20"), (-1.5, b"-1.5"), (float("nan"), b"null"), (float("inf"), b"null"),
             (float("-inf"), b"null")]
    for v, expected in cases:
        assert dumps(v) == expected, (v, dumps(v), expected)


def test_strings():
    for s in ("a", "é", "€", "😀", "\x7f", "\u2028\u2029\ufeff/<", "\x00\x01\x0b\x1f\x08\t\n\x0c\r\"\\",
              "abcdefgh" * 10 + "\n", "é" * 9 + '"', "€" * 17 + "\\", "😀" * 3 + "\x00", "x" * 100000,
              "\xff\x80", "ascii with \" in the middle of 16 bytes"):
        assert dumps(s) == json.dumps(s, ensure_ascii=False).encode(), s
        assert dumps({s: s}) == json.dumps({s: s}, ensure_ascii=False, separators=(",", ":")).encode(), s
    assert dumps("\x0b") == b'"\\u000b"'
    # Every str kind, with the one character that needs care at each place of runs read 4 or 8 at a time.
    for marker in ("", "é", "€", "😀"):
        for n in range(21):
            for special in ('"', "\\", "\x00", "\x1f", "\x7f", "é", "€", "😀", "a"):
                for at in range(n + 1):
                    for s in (marker + "b" * at + special + "c" * (n - at), "b" * at + special + "c" * (n - at) + marker):
                        assert dumps(s) == json.dumps(s, ensure_ascii=False).encode(), s
                        assert dumps({s: 0}) == json.dumps({s: 0}, ensure_ascii=False, separators=(",", ":")).encode()
                if marker in ("€", "😀"):
                    raises(lambda: dumps(marker + "d" * n + "\udfff"), "str is not valid UTF-8: surrogates not allowed")
    for s in ("\ud800", "a\udfff", "😀\ud800", "\udc00" * 3):
        raises(lambda: dumps(s), "str is not valid UTF-8: surrogates not allowed")
        raises(lambda: dumps({s: 1}), "str is not valid UTF-8: surrogates not allowed")

    class S(str):
        def __str__(self):
            return "no"
    assert dumps(S("yes")) == b'"yes"'
    assert dumps({S("k"): 1}, option=4) == b'{"k":1}'
    raises(lambda: dumps({S("k"): 1}), "Dict key must be str")


def test_containers_and_subclasses():
    import collections

    class L(list):
        def __iter__(self):
            return iter([9])

    class D(dict):
        def items(self):
            return [("z", 0)]
    assert dumps(L([1, 2])) == b"[1,2]", dumps(L([1, 2]))
    assert dumps(D(a=1)) == b'{"a":1}', dumps(D(a=1))
    od = collections.OrderedDict([("a", 1), ("b", 2)])
    od.move_to_end("a")
    assert dumps(od) == b'{"a":1,"b":2}', dumps(od)
    raises(lambda: dumps({1: 2}), "Dict key must be str")
    raises(lambda: dumps({None: 2}), "Dict key must be str")
    Point = collections.namedtuple("Point", "x y")
    raises(lambda: dumps(Point(1, 2)), "Type is not JSON serializable: Point")

    class F(float):
        pass
    raises(lambda: dumps(F(1.0)), "Type is not JSON serializable: F")
    for v, name in ((b"x", "bytes"), (bytearray(), "bytearray"), ({1}, "set"), (frozenset(), "frozenset"),
                    (1j, "complex"), (datetime.timedelta(1), "datetime.timedelta"), (range(1), "range")):
        raises(lambda: dumps(v), "Type is not JSON serializable: " + name)
    p = serpentine.OPT_PASSTHROUGH_SUBCLASS
    raises(lambda: dumps(L(), option=p), "Type is not JSON serializable: L")
    assert dumps(L(), option=p, default=lambda o: "L") == b'"L"'


def test_nesting_and_cycles():
    def nested(n):
        v = []
        for i in range(n - 1):
            v = [v] if i % 2 else {"k": v}
        return v
    assert dumps(nested(254)).count(b"[") + dumps(nested(254)).count(b"{") == 254
    raises(lambda: dumps(nested(255)), "Recursion limit reached")
    chain = []
    for _ in range(126):
        chain = [{"a": chain}]
    dumps(chain)
    for _ in range(2):
        chain = [{"a": chain}]
    raises(lambda: dumps(chain), "Recursion limit reached")
    a = []
    a.append(a)
    raises(lambda: dumps(a), "Recursion limit reached")
    d = {}
    d["d"] = d
    raises(lambda: dumps(d), "Recursion limit reached")


def test_default():
    class C:
        pass
    assert dumps(C(), default=lambda o: "c") == b'"c"'
    assert dumps(C(), default=lambda o: None) == b"null"
    assert dumps([C(), {"x": C()}], default=lambda o: [1]) == b'[[1],{"x":[1]}]', dumps([C()], default=lambda o: [1])

    class Boom(Exception):
        pass

    def bad(o):
        raise Boom("no")
    e = raises(lambda: dumps(C(), default=bad), "Type is not JSON serializable: C")
    assert type(e.__cause__) is Boom
    e = raises(lambda: dumps(C(), default=1), "Type is not JSON serializable: C")
    assert isinstance(e.__cause__, TypeError), repr(e.__cause__)

    class Chain:
        def __init__(self, n):
            self.n = n

    def step(o):
        return Chain(o.n - 1) if o.n else "end"
    assert dumps(Chain(254), default=step) == b'"end"'
    raises(lambda: dumps(Chain(255), default=step), "default serializer exceeds recursion limit")

    # A default that empties the containers being walked: the children already read stay alive (pinned).
    victim = {"a": C(), "b": ["s" * 50, C()], "c": "t" * 60}
    holder = [victim, ["u" * 70]]

    def vandal(o):
        victim.clear()
        holder.clear()
        return "v"
    out = dumps(holder, default=vandal)
    assert out == ('[{"a":"v","b":["%s","v"],"c":"%s"},["%s"]]' % ("s" * 50, "t" * 60, "u" * 70)).encode(), out


def test_options_keys():
    d = {"b": 1, "a": 2, "ä": 3, "A": 4, "\n": 5, "aa": 6}
    assert dumps(d, option=32) == json.dumps(d, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    assert dumps({"b": {"d": 1, "c": 2}, "a": 0}, option=32 | 1) == \
        json.dumps({"b": {"d": 1, "c": 2}, "a": 0}, sort_keys=True, indent=2).encode()
    raises(lambda: dumps({1: 2}, option=32), "Dict key must be str")
    n = serpentine.OPT_NON_STR_KEYS
    assert dumps({"1": True, 1: False}, option=n) == b'{"1":true,"1":false}'
    assert dumps({"b": 1, 2: 2, "a": 3, 10: 4, None: 5}, option=n | 32) == b'{"10":4,"2":2,"a":3,"b":1,"null":5}'
    assert dumps({1.5: 1, 1e16: 2, float("nan"): 3, True: 4, None: 5, -7: 6}, option=n) == \
        b'{"1.5":1,"1e+16":2,"null":3,"true":4,"null":5,"-7":6}'
    assert dumps({datetime.date(2020, 1, 2): 1, uuid.UUID(int=1): 2}, option=n) == \
        b'{"2020-01-02":1,"00000000-0000-0000-0000-000000000001":2}'
    raises(lambda: dumps({(1,): 1}, option=n), "Dict key must a type serializable with OPT_NON_STR_KEYS")
    raises(lambda: dumps({2 ** 64: 1}, option=n), "Dict integer key must be within 64-bit range")
    assert dumps({2 ** 60: 1}, option=n | 64) == b'{"%d":1}' % 2 ** 60
    raises(lambda: dumps({datetime.time(1, tzinfo=datetime.timezone.utc): 1}, option=n),
           "datetime.time must not have tzinfo set")


def test_datetime():
    utc = datetime.timezone.utc
    dt = datetime.datetime(2001, 2, 3, 4, 5, 6, 7)
    assert dumps(dt) == b'"2001-02-03T04:05:06.000007"'
    assert dumps(dt, option=8) == b'"2001-02-03T04:05:06"'
    assert dumps(dt, option=2) == b'"2001-02-03T04:05:06.000007+00:00"'
    assert dumps(dt, option=2 | 128) == b'"2001-02-03T04:05:06.000007Z"'
    assert dumps(dt.replace(tzinfo=utc, microsecond=0)) == b'"2001-02-03T04:05:06+00:00"'
    assert dumps(dt.replace(tzinfo=utc, microsecond=0), option=128) == b'"2001-02-03T04:05:06Z"'
    for seconds, text in ((30, "+00:01"), (-30, "-00:01"), (3723, "+01:02"), (3570, "+01:00"), (-3600, "-01:00"),
                          (3600 * 5 + 1800, "+05:30")):
        tz = datetime.timezone(datetime.timedelta(seconds=seconds))
        assert dumps(datetime.datetime(2001, 1, 1, tzinfo=tz)) == b'"2001-01-01T00:00:00%s"' % text.encode()
    assert dumps(datetime.date(1, 1, 2)) == b'"0001-01-02"'
    assert dumps(datetime.time(1, 2, 3, 40)) == b'"01:02:03.000040"'
    assert dumps(datetime.time(1, 2, 3, 40), option=8) == b'"01:02:03"'
    raises(lambda: dumps(datetime.time(1, tzinfo=utc)), "datetime.time must not have tzinfo set")
    raises(lambda: dumps(dt, option=512), "Type is not JSON serializable: datetime.datetime")
    assert dumps(dt, option=512, default=lambda o: "d") == b'"d"'

    class Sub(datetime.datetime):
        pass
    raises(lambda: dumps(Sub(2001, 1, 1)), "Type is not JSON serializable: Sub")

    try:
        import zoneinfo
        tz = zoneinfo.ZoneInfo("Europe/London")
    except Exception:
        return
    assert dumps(datetime.datetime(2020, 1, 1, tzinfo=tz), option=128) == b'"2020-01-01T00:00:00Z"'
    assert dumps(datetime.datetime(2020, 7, 1, tzinfo=tz)) == b'"2020-07-01T00:00:00+01:00"'


def test_uuid_enum_dataclass_fragment():
    u = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert dumps(u) == b'"12345678-1234-5678-1234-567812345678"'

    class U(uuid.UUID):
        pass
    raises(lambda: dumps(U(int=1)), "Type is not JSON serializable: U")

    class E(enum.Enum):
        A = 1
        B = "b"
        C = [1, {"x": None}]
        D = object()
    assert dumps([E.A, E.B, E.C]) == b'[1,"b",[1,{"x":null}]]'
    raises(lambda: dumps(E.D), "Type is not JSON serializable: object")
    assert dumps(E.D, default=lambda o: "obj") == b'"obj"'

    @dataclasses.dataclass
    class P:
        x: int
        _hidden: int = 0
        y: str = "y"
    p = P(1)
    p.extra = [2]
    assert dumps(p) == b'{"x":1,"y":"y","extra":[2]}'
    assert dumps({"b": p, "a": 1}, option=32) == b'{"a":1,"b":{"x":1,"y":"y","extra":[2]}}'
    raises(lambda: dumps(p, option=2048), "Type is not JSON serializable: P")

    @dataclasses.dataclass
    class Slots:
        __slots__ = ("a", "b")
        a: int
        b: int
    assert dumps(Slots(1, 2)) == b'{"a":1,"b":2}'
    s = Slots.__new__(Slots)
    s.a = 1
    e = raises(lambda: dumps(s), "dataclass %s has no value for field 'b'" % Slots.__qualname__)

    class Undecorated(P):
        pass
    raises(lambda: dumps(Undecorated(1)), "Type is not JSON serializable: Undecorated")

    F = serpentine.Fragment
    assert dumps([F(b"{{{"), F('"é"')], option=1) == b'[\n  {{{,\n  "\xc3\xa9"\n]'
    raises(lambda: dumps(F(bytearray(b"1"))), "serpentine.Fragment's content is not of type bytes or str")
    raises(lambda: dumps(F("\ud800")), "str is not valid UTF-8: surrogates not allowed")
    raises(lambda: F(), "serpentine.Fragment() takes exactly 1 positional argument")
    raises(lambda: F(1, 2), "serpentine.Fragment() takes exactly 1 positional argument")
    try:
        type("G", (F,), {})
    except TypeError:
        pass
    else:
        raise AssertionError("Fragment subclassed")
    raises(lambda: dumps({F(b"1"): 1}, option=4), "Dict key must a type serializable with OPT_NON_STR_KEYS")


def test_refcounts_unchanged():
    class C:
        pass
    s = "refcount é" + str(id(C))
    big = 2 ** 70
    c = C()
    items = [s, [s], {s: s}, big, c]

    def boom(o):
        raise ValueError(o)
    before = [sys.getrefcount(x) for x in items]
    for _ in range(50):
        dumps([s, [s], {s: s}])
        raises(lambda: dumps([s, {s: big}]), "Integer exceeds 64-bit range")
        try:
            dumps([s, {s: [c]}], default=boom)
        except TypeError as e:
            e.__cause__ = None
        dumps([s, {s: [c]}], default=lambda o: [s])
    after = [sys.getrefcount(x) for x in items]
    assert before == after, (before, after)


def test_no_utf8_cache():
    # dumps must leave a non-ASCII str as it found it: no UTF-8 copy cached inside it.
    for s in ("é" * 100, "€" * 100, "😀" * 100, "a" * 99 + "é"):
        s = s + str(len(s))  # a fresh object
        size = sys.getsizeof(s)
        dumps([s, {s: s}])
        assert sys.getsizeof(s) == size, s[:3]


def test_no_memory_growth():
    # Many rounds of successful and failing dumps (every error path that unwinds a partly written document) leave
    # traced memory where the first rounds left it.
    import gc
    import tracemalloc

    class Point:
        def __init__(self, x):
            self.x = x

    def raising_default(o):
        raise ValueError("no")

    cycle = []
    cycle.append(cycle)
    big = {str(i): ["é" * 20, i, i / 7, None, {"k": [True, False]}] for i in range(2000)}  # > one staging flush
    calls = [
        lambda: dumps(big),
        lambda: dumps(big, option=serpentine.OPT_INDENT_2 | serpentine.OPT_SORT_KEYS),
        lambda: dumps({1: "a", 2.5: datetime.date(2020, 1, 2)}, option=serpentine.OPT_NON_STR_KEYS),
        lambda: dumps([Point(1)], default=lambda o: o.__dict__),
        lambda: dumps([1, {"a": 2 ** 64}]),
        lambda: dumps([big, "\ud800"]),
        lambda: dumps(cycle),
        lambda: dumps({1: 2}),
        lambda: dumps([Point(1)], default=raising_default),
        lambda: dumps([Point(1)], default=lambda o: Point(2)),
    ]

    def run():
        for call in calls:
            try:
                call()
            except TypeError as e:
                e.__cause__ = e.__context__ = None

    for _ in range(5):
        run()
    gc.collect()
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        for _ in range(60):
            run()
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()
    assert grown < 16384, "traced memory grew by %d bytes over 60 rounds" % grown
