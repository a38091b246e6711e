# Oracles for the deserializer tests, run inside the embedded interpreter. Every check returns a list of mismatches
# (empty when all is well); the Java tests assert that list is empty and print it otherwise.
import json, math, random, sys, gc
import serpentine


def short(x):
    r = repr(x)
    return r if len(r) < 300 else r[:300] + '...'


def same(a, b):
    """Equal values with equal types all the way down (1 == 1.0 == True is not enough); an explicit stack."""
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        if type(x) is not type(y):
            return False
        if type(x) is dict:
            if list(x) != list(y):
                return False
            stack.extend((x[k], y[k]) for k in x)
        elif type(x) is list:
            if len(x) != len(y):
                return False
            stack.extend(zip(x, y))
        elif type(x) is float:
            if not (x == y and math.copysign(1, x) == math.copysign(1, y)):
                return False
        elif x != y:
            return False
    return True


def inputs(doc):
    """The document through every Python input type: (label, object). doc is bytes."""
    out = [('bytes', doc), ('bytearray', bytearray(doc)), ('memoryview', memoryview(doc))]
    spread = bytes(c for b in doc for c in (b, 0x5A))
    nc = memoryview(spread)[::2]
    assert not nc.c_contiguous or len(doc) <= 1
    out.append(('memoryview-noncontiguous', nc))
    out.append(('memoryview-slice', memoryview(b'xx' + doc + b'yy')[2:2 + len(doc)]))
    try:
        text = doc.decode('utf-8')
        out.append(('str', text))
    except UnicodeDecodeError:
        pass
    return out


def outcome(obj):
    try:
        return ('ok', serpentine.loads(obj))
    except serpentine.JSONDecodeError as e:
        return ('error', e.msg, e.pos, e.lineno, e.colno, e.doc, str(e))
    except BaseException as e:
        return ('other', type(e).__name__, str(e))


def check_valid(doc):
    bad = []
    want = oracle(doc)
    for label, obj in inputs(doc):
        got = outcome(obj)
        if got[0] != 'ok' or not same(got[1], want):
            bad.append('%s %r: %r, json.loads gives %r' % (label, short(doc), short(got), short(want)))
    return bad


def check_invalid(doc, msg, pos):
    """Refused with msg at character pos, doc the whole text ('' for a document-less error); json.loads refuses too."""
    bad = []
    try:
        json.loads(doc.decode('utf-8'))
        oracle_refuses = False
    except (ValueError, RecursionError):
        oracle_refuses = True
    lenient = any(w in doc for w in (b'NaN', b'Infinity', b'e400', b'\\ud800', b'\\udc00'))
    if oracle_refuses == lenient and msg != 'depth limit exceeded':  # json.loads's limit is the recursion limit
        bad.append('json.loads %s %r' % ('refuses' if lenient else 'accepts', doc))
    for label, obj in inputs(doc):
        got = outcome(obj)
        if got[0] != 'error':
            bad.append('%s %r: %r, expected %s at %d' % (label, short(doc), short(got), msg, pos))
            continue
        text = '' if msg in DOCUMENTLESS else doc.decode('utf-8')
        expected = json.JSONDecodeError(msg, text, pos)
        want = ('error', msg, pos, expected.lineno, expected.colno, text, str(expected))
        if label == 'str' and msg not in DOCUMENTLESS and got[5] is not obj:
            bad.append('%s %r: doc is not the str itself' % (label, doc))
        if got != want:
            bad.append('%s %r: %r, expected %r' % (label, short(doc), short(got), short(want)))
    return bad


DOCUMENTLESS = {'str is not valid UTF-8: surrogates not allowed', 'Input is a zero-length, empty document',
                'UTF-8 byte order mark (BOM) is not supported'}


# --- property tests -----------------------------------------------------------------------------------------------

def gen_value(rnd, depth=0):
    k = rnd.randrange(10 if depth < 4 else 6)
    if k == 0:
        return None
    if k == 1:
        return rnd.random() < 0.5
    if k == 2:
        return rnd.choice([0, 1, -1, 255, 256, 257, -5, -6, 2**63 - 1, -2**63, 2**64 - 1, 2**64, -2**63 - 1,
                           rnd.randrange(-10**6, 10**6), rnd.randrange(-2**70, 2**70)])
    if k == 3:
        return rnd.choice([0.0, -0.0, 1.5, 1e-300, 5e-324, 1.7976931348623157e308, rnd.uniform(-1e6, 1e6),
                           rnd.random() * 10 ** rnd.randrange(-320, 300)])
    if k in (4, 5):
        return gen_str(rnd)
    if k in (6, 7):
        return [gen_value(rnd, depth + 1) for _ in range(rnd.randrange(5))]
    return {gen_str(rnd) if rnd.random() < 0.7 else rnd.choice(['a', 'b', 'id', 'name']): gen_value(rnd, depth + 1)
            for _ in range(rnd.randrange(5))}


ALPHABET = 'abcxyz 09"\\/\b\f\n\r\t\x00\x1f\x7f\x80\xe9\xff\u0100\u20ac\ufeff\uffff\U0001f600\U0010ffff'


def gen_str(rnd):
    return ''.join(rnd.choice(ALPHABET) for _ in range(rnd.randrange(12)))


def serialize(rnd, value):
    text = json.dumps(value, ensure_ascii=rnd.random() < 0.3, indent=rnd.choice([None, None, 0, 2]),
                      separators=rnd.choice([None, (',', ':'), (' , ', ' : ')]))
    return text.encode('utf-8')


MUTATIONS = [b',', b']', b'}', b'[', b'{', b'"', b':', b'\\', b'0', b'-', b'.', b'e', b'\x00', b'\x1f', b' ', b'\t',
             b'\x0b', b'\xff', b'\xc3', b'\xed\xa0\x80', b'\xef\xbb\xbf', b'NaN', b'tru', b'nul', b'\\u', b'\\ud800',
             b'01', b'1.', b'/*', b"'"]


def mutate(rnd, doc):
    b = bytearray(doc)
    for _ in range(rnd.randrange(1, 3)):
        op = rnd.randrange(3)
        at = rnd.randrange(len(b) + 1)
        if op == 0 and b:
            del b[min(at, len(b) - 1)]
        elif op == 1:
            b[at:at] = rnd.choice(MUTATIONS)
        else:
            b[at:at + 1] = rnd.choice(MUTATIONS)
    return bytes(b)


def json_outcome(doc):
    """json.loads's verdict under the contract: None when it refuses (or accepts only what the contract refuses)."""
    try:
        text = doc.decode('utf-8')
    except UnicodeDecodeError:
        return None
    if text.startswith('\ufeff'):
        return None
    try:
        v = json.loads(text)
    except (ValueError, RecursionError):
        return None
    stack = [v]
    while stack:
        x = stack.pop()
        t = type(x)
        if t is float and not math.isfinite(x):
            return None
        if t is str and any('\ud800' <= c <= '\udfff' for c in x):
            return None
        if t is dict:
            if any(any('\ud800' <= c <= '\udfff' for c in k) for k in x):
                return None
            stack.extend(x.values())
        elif t is list:
            stack.extend(x)
    return ('ok', contract_numbers(v))


def oracle(doc):
    """json.loads's value under the contract; documents of brackets only (the nesting cases) built here, without
    recursion: json.loads recurses in C once per level, and a deep document would exhaust a Java thread's stack."""
    text = doc.decode('utf-8') if isinstance(doc, bytes) else doc
    if text and set(text) <= set('[]'):
        v = []
        for _ in range(len(text) // 2 - 1):
            v = [v]
        return v
    return contract_numbers(json.loads(text))


def contract_numbers(v):
    """json.loads's value with integers outside [-2^63, 2^64-1] as floats, as the contract has them."""
    if type(v) is int:
        return v if -2**63 <= v <= 2**64 - 1 else float(v)
    if type(v) is list:
        return [contract_numbers(x) for x in v]
    if type(v) is dict:
        return {k: contract_numbers(x) for k, x in v.items()}
    return v


def properties(seed, count, other=None):
    """Generated documents and mutations of them: serpentine.loads agrees with json.loads (and with other, e.g.
    orjson.loads, when given) — the same value with the same types, or both refuse."""
    rnd = random.Random(seed)
    bad = []
    for i in range(count):
        doc = serialize(rnd, gen_value(rnd))
        if rnd.random() < 0.6:
            doc = mutate(rnd, doc)
        want = json_outcome(doc)
        for label, obj in inputs(doc)[:2] + inputs(doc)[-1:]:
            got = outcome(obj)
            if want is None:
                if got[0] != 'error':
                    bad.append('%s %r: %r, json.loads refuses' % (label, short(doc), got))
            elif got[0] != 'ok' or not same(got[1], want[1]):
                bad.append('%s %r: %r, json.loads gives %r' % (label, short(doc), short(got), short(want)))
        if other is not None:
            try:
                theirs = ('ok', other(doc))
            except ValueError:
                theirs = None
            got = outcome(doc)
            if (theirs is None) != (got[0] != 'ok') or (theirs is not None and not same(got[1], theirs[1])):
                bad.append('other %r: %r, theirs %r' % (short(doc), got, theirs))
        if len(bad) > 20:
            break
    return bad


# --- floats --------------------------------------------------------------------------------------------------------

def float_strings(rnd):
    k = rnd.randrange(6)
    if k == 0:  # random bits: the shortest repr and a long form
        x = struct_float(rnd)
        return [repr(x), '%.17e' % x, '%.25e' % x]
    if k == 1:  # halfway between two neighbours: exactly representable midpoints decide ties to even
        x = struct_float(rnd)
        nxt = math.nextafter(x, math.inf)
        from decimal import Decimal, getcontext
        getcontext().prec = 800
        mid = (Decimal(x) + Decimal(nxt)) / 2
        return [format(mid, 'e'), format(mid.next_plus() if hasattr(mid, 'next_plus') else mid, 'e')]
    if k == 2:  # 19+ digit mantissas
        digits = ''.join(rnd.choice('0123456789') for _ in range(rnd.randrange(19, 40)))
        return ['%s.%se%d' % (rnd.choice('123456789'), digits, rnd.randrange(-330, 310))]
    if k == 3:  # subnormals and the edges
        e = rnd.randrange(-330, -300)
        return ['%d.%de%d' % (rnd.randrange(1, 10), rnd.randrange(10 ** 8), e), '4.9406564584124654e-324',
                '2.4703282292062327e-324', '2.4703282292062328e-324', '2.2250738585072011e-308', '1.7976931348623157e308',
                '1.7976931348623158e308']
    if k == 4:  # huge and tiny exponents that round to 0 or overflow
        return ['1e-400', '-0.0e999', '0e5000', '1.0E+308', '9' * 30 + 'e-330', '123456789012345678901234567890']
    return ['%d.%d' % (rnd.randrange(10 ** 6), rnd.randrange(10 ** 12)), '%de%d' % (rnd.randrange(1, 10 ** 9), rnd.randrange(-30, 30))]


def struct_float(rnd):
    import struct
    while True:
        x = struct.unpack('<d', rnd.getrandbits(64).to_bytes(8, 'little'))[0]
        if math.isfinite(x):
            return abs(x) if rnd.random() < 0.5 else x


def floats(seed, count):
    """serpentine.loads of a decimal string is float(text) — correctly rounded — or refused where float() overflows."""
    rnd = random.Random(seed)
    bad = []
    n = 0
    while n < count:
        for s in float_strings(rnd):
            n += 1
            want = float(s)
            got = outcome(s.encode())
            if math.isinf(want):
                if got[:2] != ('error', 'number is infinity when parsed as double'):
                    bad.append('%s: %r, expected the infinity error' % (s, got))
            else:
                integral = '.' not in s and 'e' not in s.lower() and -2**63 <= int(s) <= 2**64 - 1
                if got[0] != 'ok' or type(got[1]) is not (int if integral else float) or float(got[1]) != want \
                        or math.copysign(1, float(got[1])) != math.copysign(1, want):
                    bad.append('%s: %r, float() gives %r' % (s, got, want))
        if len(bad) > 20:
            break
    return bad


# --- the grammar, rule by rule ---------------------------------------------------------------------------------------

VALID = [
    # values and whitespace
    b'null', b'true', b'false', b' \t\n\r1 \t\n\r', b'"x"', b'[]', b'{}', b'[ ]', b'{ }', b'[[[]]]', b'{"a":{"b":{}}}',
    # numbers
    b'0', b'-0', b'-0.0', b'1', b'-1', b'256', b'257', b'-5', b'-6', b'1.5', b'1e5', b'1E+5', b'1e-5', b'-1.25e-3',
    b'0.1', b'9223372036854775807', b'-9223372036854775808', b'9223372036854775808', b'18446744073709551615',
    b'18446744073709551616', b'-9223372036854775809', b'123456789012345678901234567890', b'1e-400', b'0e0',
    b'1.7976931348623157e308', b'5e-324', b'[1,2.5,-3]',
    # strings
    b'""', b'"\\"\\\\\\/\\b\\f\\n\\r\\t"', b'"\\u0000"', b'"\\u00e9\\u00E9"', b'"\\ud83d\\ude00"', b'"\\uffff"',
    b'"\x7f"', '"é"'.encode(), '"€ 日本"'.encode(), '"😀"'.encode(), '"\U0010ffff"'.encode(), b'"' + b'a' * 100 + b'"',
    # objects
    b'{"a":1,"b":[true,false,null]}', b'{"a":1,"b":2,"a":3}', b'{"" : ""}', b'{"\\u0061":1,"a":2}',
    ('{"' + 'k' * 65 + '":1}').encode(), b'[{"a":1},{"a":2},{"a":3}]', '{"é":"€","😀":[]}'.encode(),
    b'[' * 1024 + b']' * 1024,
    # duplicate keys whose first value, or whose second key, is freed while the dict is filled
    b'{"a":[1,{"b":"a long enough string","c":[2.5,12345678901]}],"a":{"c":["x"]},"d":0}',
    ('{"' + 'k' * 70 + '":[1.5],"' + 'k' * 70 + '":"v"}').encode(), b'{"\\u0062":[1.5],"\\u0062":{"x":"y"}}',
]

INVALID = [
    # (document, message, character position)
    (b'', 'Input is a zero-length, empty document', 0),
    (b'   ', 'input data is empty', 0),
    (b' \n\t', 'input data is empty', 0),
    (b'NaN', 'unexpected character, expected a JSON value', 0),
    (b'Infinity', 'unexpected character, expected a JSON value', 0),
    (b'-Infinity', 'no digit after minus sign', 1),
    (b'True', 'unexpected character, expected a JSON value', 0),
    (b'nan', 'invalid literal, expected \'null\'', 0),
    (b'nul', 'unexpected end of data', 3),
    (b'[tru]', 'invalid literal, expected \'true\'', 1),
    (b'fals', 'unexpected end of data', 4),
    (b'.1', 'unexpected character, expected a JSON value', 0),
    (b'+1', 'unexpected character, expected a JSON value', 0),
    (b'01', 'number with leading zero is not allowed', 0),
    (b'-01', 'number with leading zero is not allowed', 1),
    (b'1.', 'unexpected end of data', 2),
    (b'1.e1', 'no digit after decimal point', 2),
    (b'1e', 'unexpected end of data', 2),
    (b'1e+', 'unexpected end of data', 3),
    (b'[1e]', 'no digit in exponent', 3),
    (b'-', 'no digit after minus sign', 1),
    (b'1e400', 'number is infinity when parsed as double', 0),
    (b'[-1e400]', 'number is infinity when parsed as double', 1),
    (b'[1,]', 'trailing comma is not allowed', 2),
    (b'{"a":1,}', 'trailing comma is not allowed', 6),
    (b'[1 , ]', 'trailing comma is not allowed', 3),
    (b'{1:2}', 'unexpected character, expected a string key', 1),
    (b"{'a':1}", 'unexpected character, expected a string key', 1),
    (b"'a'", 'unexpected character, expected a JSON value', 0),
    (b'{"a" 1}', "unexpected character, expected ':' after an object key", 5),
    (b'{"a":1 "b":2}', "unexpected character, expected ',' or '}'", 7),
    (b'[1 2]', "unexpected character, expected ',' or ']'", 3),
    (b'[1}', "unexpected character, expected ',' or ']'", 2),
    (b'{"a":1]', "unexpected character, expected ',' or '}'", 6),
    (b'[1,,2]', 'unexpected character, expected a JSON value', 3),
    (b'[1] /* c */', 'unexpected content after document', 4),
    (b'// c\n1', 'unexpected character, expected a JSON value', 0),
    (b'"a\x01b"', 'unexpected control character in string', 2),
    (b'"a\tb"', 'unexpected control character in string', 2),
    (b'"a\nb"', 'unexpected control character in string', 2),
    (b'"\\ud800"', 'no low surrogate in string', 1),
    (b'"\\ud800\\u0041"', 'invalid low surrogate in string', 7),
    (b'"\\udc00"', 'invalid high surrogate in string', 1),
    (b'"\\x41"', 'invalid escaped sequence in string', 1),
    (b'"\\U0041"', 'invalid escaped sequence in string', 1),
    (b"\"\\'\"", 'invalid escaped sequence in string', 1),
    (b'"\\u12G4"', 'invalid escaped sequence in string', 1),
    (b'"\\u12', 'unexpected end of data', 5),
    (b'[1] x', 'unexpected content after document', 4),
    (b'1 2', 'unexpected content after document', 2),
    (b'[1]\x00', 'unexpected content after document', 3),
    (b'[1', 'unexpected end of data', 2),
    (b'"abc', 'unexpected end of data', 4),
    (b'{"a":', 'unexpected end of data', 5),
    (b'{"a"', 'unexpected end of data', 4),
    (b'{', 'unexpected end of data', 1),
    (b'\x0b1', 'unexpected character, expected a JSON value', 0),
    (b'\x0c1', 'unexpected character, expected a JSON value', 0),
    ('\u20601'.encode(), 'unexpected character, expected a JSON value', 0),
    ('[\u00a01]'.encode(), 'unexpected character, expected a JSON value', 1),
    (b'{\n  "a": 1,\n  "b": x\n}', 'unexpected character, expected a JSON value', 19),
    ('{"a":"éé", "b": ]}'.encode(), 'unexpected character, expected a JSON value', 16),
    ('["😀", x]'.encode(), 'unexpected character, expected a JSON value', 6),
    (b'[' * 1025 + b']' * 1025, 'depth limit exceeded', 1024),
    (b'{"a":' * 1024 + b'{}' + b'}' * 1024, 'depth limit exceeded', 5 * 1024),
    # invalid UTF-8 (any, anywhere) and the BOM: refused before parsing, with no document
    (b'"\xff"', 'str is not valid UTF-8: surrogates not allowed', 0),
    (b'[1,] \xff', 'str is not valid UTF-8: surrogates not allowed', 0),
    (b'"\xc0\xaf"', 'str is not valid UTF-8: surrogates not allowed', 0),
    (b'"\xe0\x80\xaf"', 'str is not valid UTF-8: surrogates not allowed', 0),
    (b'"\xf0\x80\x80\xaf"', 'str is not valid UTF-8: surrogates not allowed', 0),
    (b'"\xed\xa0\x80"', 'str is not valid UTF-8: surrogates not allowed', 0),
    (b'"\xf4\x90\x80\x80"', 'str is not valid UTF-8: surrogates not allowed', 0),
    (b'"\xe2\x82"', 'str is not valid UTF-8: surrogates not allowed', 0),
    (b'"\xe9"', 'str is not valid UTF-8: surrogates not allowed', 0),
    (b'\xff\xfe1\x00', 'str is not valid UTF-8: surrogates not allowed', 0),
    (b'\xef\xbb\xbf[1]', 'UTF-8 byte order mark (BOM) is not supported', 0),
]


def str_kinds(doc):
    """A str of each kind (1, 2, 4 bytes a character) that decodes like doc: doc inside an array after a string of
    the kind's widest character; returns (text, value)."""
    out = []
    for pad in ('\xe9', '\u20ac', '\U0001f600'):
        text = '["%s",%s]' % (pad, doc.decode('utf-8'))
        out.append(text)
    return out


def check_str_kinds(doc):
    bad = []
    if len(doc) > 1000:  # one more level would pass the depth limit
        return bad
    for text in str_kinds(doc):
        want = contract_numbers(json.loads(text))
        got = outcome(text)
        if got[0] != 'ok' or not same(got[1], want):
            bad.append('%r: %r, json.loads gives %r' % (text, got, want))
    return bad


def check_type_errors():
    bad = []
    import array

    class B(bytes):
        pass

    class S(str):
        pass

    for obj in (None, 1, 1.5, [], {}, B(b'1'), S('1'), array.array('b', b'12'), object(), b'1'.decode):
        got = outcome(obj)
        want = ('error', 'Input must be bytes, bytearray, memoryview, or str', 0, 1, 1, '',
                'Input must be bytes, bytearray, memoryview, or str: line 1 column 1 (char 0)')
        if got != want:
            bad.append('%r: %r' % (type(obj), got))
    for obj in ('\ud800', '["\udfff"]', 'a\ud83d'):
        got = outcome(obj)
        if got[:3] != ('error', 'str is not valid UTF-8: surrogates not allowed', 0) or got[5] != '':
            bad.append('%r: %r' % (obj, got))
    released = memoryview(b'[1]')
    released.release()
    got = outcome(released)
    if got[:2] != ('other', 'ValueError'):
        bad.append('released memoryview: %r' % (got,))
    got = outcome(memoryview(array.array('i', [0x205d315b, 0x20202020])))  # '[1]' and spaces, C-contiguous ints
    if got != ('ok', [1]):
        bad.append('memoryview of ints: %r' % (got,))
    return bad


# --- corpora, references, memory, re-entrancy ----------------------------------------------------------------------

def check_corpus(path):
    with open(path, 'rb') as f:
        doc = f.read()
    bad = []
    want = json.loads(doc)
    kinds = [('bytes', doc), ('str', doc.decode('utf-8'))]
    if len(doc) < 1000000:  # the other inputs share the bytes path: the smaller corpora are enough for them
        kinds += [('bytearray', bytearray(doc)), ('memoryview', memoryview(doc))]
    for label, obj in kinds:
        got = serpentine.loads(obj)
        if not same(got, want):
            bad.append('%s of %s differs from json.loads' % (label, path))
    return bad


def refcounts():
    """Inputs, results and their members hold exactly the references they should; errors leave none behind."""
    bad = []
    doc = b'{"refcount_key_a": [1000000, "a long enough string", 2.5, {"x": 12345678901}], "b": null}'
    before = sys.getrefcount(doc)
    r = serpentine.loads(doc)
    if sys.getrefcount(doc) != before:
        bad.append('the input gained references')
    j = json.loads(doc)
    if sys.getrefcount(r) != sys.getrefcount(j):  # 2 before 3.14, 1 since (a local no longer counts)
        bad.append('result: %d, json.loads %d' % (sys.getrefcount(r), sys.getrefcount(j)))
    def counts(value):  # the same walk over ours and json.loads's result: the same counts
        inner = value['refcount_key_a']
        return [sys.getrefcount(v) for v in (inner, inner[0], inner[1], inner[2], inner[3], inner[3]['x'])]

    if counts(r) != counts(json.loads(doc)):
        bad.append('member references %r, json.loads %r' % (counts(r), counts(json.loads(doc))))
    key = next(iter(r))
    again = serpentine.loads(doc)
    if next(iter(again)) is not key:
        bad.append('a short key is not the cached str')
    long_key = 'k' * 70
    d1 = serpentine.loads(json.dumps({long_key: 1}))
    d2 = json.loads(json.dumps({long_key: 1}))
    if sys.getrefcount(next(iter(d1))) != sys.getrefcount(next(iter(d2))):
        bad.append('a long key: %d' % sys.getrefcount(next(iter(d1))))
    for text in ('[1, 2, "x", {"a": [', '{"a": 1, "b": [1, 2, 3], }', '[' * 2000, '["\\ud800"]', '[1e999]'):
        before = sys.getrefcount(text)
        try:
            serpentine.loads(text)
            bad.append('%r was accepted' % text[:20])
        except serpentine.JSONDecodeError as e:
            if e.doc is not text:
                bad.append('doc is not the input str')
            del e
        if sys.getrefcount(text) != before:
            bad.append('%r: input references %d -> %d' % (text[:20], before, sys.getrefcount(text)))
    return bad


def growth(rounds):
    """Traced memory after many rounds of valid and invalid documents stays where it was after the first few."""
    import tracemalloc
    docs = [b'{"a": [1, 2.5, "x", null, true, {"b": "\\u00e9\\ud83d\\ude00"}], "c": 18446744073709551615}',
            '{"é": ["€", "😀", 123456789, -0.0]}', bytearray(b'[{"k": 1}, {"k": 2}]'), memoryview(b'[1,2,3]')[::2],
            b'[1, 2, "x", {"a": [', '{"a": 1,}', b'\xff', '', b'[' * 1100, 7, '"\\ud800"', b'{"' + b'q' * 80 + b'": [1.5e300]}',
            # duplicate keys: the first value, or the second (uncached) key, is freed while the dict is filled
            b'{"a": [1, {"b": "a long enough string"}], "a": {"c": [2.5]}}', b'{"' + b'r' * 70 + b'": [1.5], "' + b'r' * 70 + b'": 0}']

    def run():
        for d in docs:
            try:
                serpentine.loads(d)
            except serpentine.JSONDecodeError:
                pass

    for _ in range(50):
        run()
    gc.collect()
    tracemalloc.start()
    try:
        start = tracemalloc.get_traced_memory()[0]
        for _ in range(rounds):
            run()
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()
    return [] if grown < 16384 else ['traced memory grew by %d bytes over %d rounds' % (grown, rounds)]


def reentrancy():
    """A __del__ that runs inside loads (a collection triggered by a container allocation) and calls loads itself."""
    inner = []

    class Cycle:
        def __del__(self):
            inner.append(serpentine.loads(b'{"nested": [1, {"k": "v"}], "a": 2}'))
            try:
                serpentine.loads(b'[1,]')
            except serpentine.JSONDecodeError as e:
                inner.append(e.msg)

    doc = json.dumps({'a': [{'a': [i, {'a': str(i)}]} for i in range(300)]}).encode()
    old = gc.get_threshold()
    gc.set_threshold(1, 1, 1)
    try:
        for _ in range(30):
            c = Cycle()
            c.self = c
            del c
            got = serpentine.loads(doc)
    finally:
        gc.set_threshold(*old)
        gc.collect()
    bad = []
    if not same(got, json.loads(doc)):
        bad.append('the outer result differs')
    if len(inner) < 2:
        bad.append('no __del__ ran inside loads (%d)' % len(inner))
    for v in inner:
        if v != {'nested': [1, {'k': 'v'}], 'a': 2} and v != 'trailing comma is not allowed':
            bad.append('inner: %r' % (v,))
    return bad
