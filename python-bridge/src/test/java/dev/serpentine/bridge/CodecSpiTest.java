package dev.serpentine.bridge;

import dev.serpentine.bridge.json.Json;
import dev.serpentine.bridge.json.JsonCodecUnavailableException;
import dev.serpentine.bridge.json.JsonDecodeException;
import dev.serpentine.bridge.json.JsonDecoder;
import dev.serpentine.bridge.json.JsonEncodeException;
import dev.serpentine.bridge.json.JsonEncoder;
import dev.serpentine.bridge.spi.CodecPlatform;
import dev.serpentine.bridge.spi.Parameters;
import dev.serpentine.bridge.spi.PlatformTypes;
import dev.serpentine.bridge.spi.Registration;
import dev.serpentine.ffi.PythonException;
import dev.serpentine.ffi.binding.CPythonBinding;
import dev.serpentine.ffi.binding.CStrings;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The codec SPI as a codec bundle uses it: functions in {@code serpentine} (fastcall and {@code METH_O}) with text
 * signatures, CPython's argument errors, exceptions with {@code __cause__}, type addresses, codec installation and
 * replacement, and the clear error when no codec is installed. CPython is the oracle wherever it words something.
 */
class CodecSpiTest {

    private static final PythonRuntime RT = Bridge.RUNTIME;
    private static final CodecPlatform PLATFORM = CodecPlatform.of(RT);
    private static final CPythonBinding PY = PLATFORM.binding();

    static {
        RT.call(python -> {
            python.exec("import serpentine, inspect, json\n");
            return null;
        });
    }

    private static String outcome(String call) {
        return Bridge.outcome(call);
    }

    /**
     * What CPython says to a wrong call of a METH_O function {@code serpentine.<name>}: its words for the same call of
     * {@code math.floor}, a METH_O function of another module (3.10+ name the module, 3.9 does not).
     */
    private static String oneArgOracle(String name, String args) {
        return outcome("__import__('math').floor" + args).replace("math.floor()", "serpentine." + name + "()")
                .replace("floor()", name + "()");
    }

    /** A new reference to a tuple of the arguments of {@code params} (None for one not given). */
    private static long echo(Parameters params, int count, long args, long nargs, long kwnames) {
        long tuple = PY.PyTuple_New(count);
        for (int i = 0; i < count; i++) {
            long a = params.get(args, nargs, kwnames, i);
            if (a == 0) a = PLATFORM.types().builtin.none;
            PY.Py_IncRef(a);
            PY.PyTuple_SetItem(tuple, i, a);
        }
        return tuple;
    }

    @Test
    void aFastcallFunctionWithItsSignatureDocAndModule() {
        Parameters params = PLATFORM.parameters("spi_f", List.of("a"), List.of("b", "c"), 2);
        assertEquals("(a, /, b, c=None)", params.textSignature());
        try (Registration r = PLATFORM.addFunction(params, "Echoes its arguments.",
                (args, nargs, kwnames) -> echo(params, 3, args, nargs, kwnames))) {
            assertEquals("ok|(1, 2, None)", outcome("serpentine.spi_f(1, 2)"));
            assertEquals("ok|(1, 2, 3)", outcome("serpentine.spi_f(1, c=3, b=2)"));
            assertEquals("ok|(1, 'x', None)", outcome("serpentine.spi_f(1, **{'b': 'x'})"));
            assertEquals("ok|(1, 2, 5)", outcome("serpentine.spi_f(1, 2, **{type('S', (str,), {})('c'): 5})"));
            assertEquals("(a, /, b, c=None)", Bridge.eval("str(inspect.signature(serpentine.spi_f))"));
            assertEquals("(a, /, b, c=None)", Bridge.eval("serpentine.spi_f.__text_signature__"));
            assertEquals("Echoes its arguments.", Bridge.eval("serpentine.spi_f.__doc__"));
            assertEquals("serpentine", Bridge.eval("serpentine.spi_f.__module__"));
            assertEquals("builtin_function_or_method", Bridge.eval("type(serpentine.spi_f).__name__"));
        }
        assertEquals(Boolean.FALSE, Bridge.eval("hasattr(serpentine, 'spi_f')"));
    }

    @Test
    void argumentErrorsAreWordedLikeCPython() {
        Parameters params = PLATFORM.parameters("spi_g", List.of("a"), List.of("b", "c"), 2);
        try (Registration r = PLATFORM.addFunction(params, "", (args, nargs, kwnames) -> echo(params, 3, args, nargs, kwnames))) {
            Map<String, String> cases = new LinkedHashMap<>();
            cases.put("spi_g(a=1, b=2)", "spi_g() got some positional-only arguments passed as keyword arguments: 'a'");
            cases.put("spi_g(1, 2, d=4)", "spi_g() got an unexpected keyword argument 'd'");
            cases.put("spi_g(1, 2, b=3)", "argument for spi_g() given by name ('b') and position (2)");
            cases.put("spi_g(1)", "spi_g() missing required argument 'b' (pos 2)");
            cases.put("spi_g()", "spi_g() missing required argument 'a' (pos 1)");
            cases.put("spi_g(1, 2, 3, 4)", "spi_g() takes at most 3 arguments (4 given)");
            for (Map.Entry<String, String> c : cases.entrySet()) {
                assertEquals("TypeError|" + c.getValue(), outcome("serpentine." + c.getKey()), c.getKey());
            }
            // CPython's own wording for the same mistakes with a Python function of the same signature
            Bridge.eval("exec('def spi_g(a, /, b, c=None): pass', globals())");
            for (String call : List.of("spi_g(a=1, b=2)", "spi_g(1, 2, d=4)")) {
                assertEquals(outcome(call), outcome("serpentine." + call), call);
            }
            // CPython checks keyword names of a fastcall call itself
            assertTrue(outcome("serpentine.spi_g(1, 2, **{1: 2})").startsWith("TypeError|"));
            assertTrue(outcome("serpentine.spi_g(1, 2, **{1: 2})").endsWith("keywords must be strings"));
        }
    }

    @Test
    void aOneArgFunctionIsCheckedByCPythonItself() {
        try (Registration r = PLATFORM.addFunction("spi_o", "obj", "Returns obj.", arg -> {
            PY.Py_IncRef(arg);
            return arg;
        })) {
            assertEquals("ok|[1, 'a']", outcome("serpentine.spi_o([1, 'a'])"));
            assertEquals("(obj, /)", Bridge.eval("str(inspect.signature(serpentine.spi_o))"));
            assertEquals("Returns obj.", Bridge.eval("serpentine.spi_o.__doc__"));
            assertEquals("serpentine", Bridge.eval("serpentine.spi_o.__module__"));
            for (String args : List.of("()", "(1, 2)", "(obj=1)")) {
                assertEquals(oneArgOracle("spi_o", args), outcome("serpentine.spi_o" + args), args);
            }
        }
    }

    @Test
    void anExceptionWithItsCause() {
        Parameters params = PLATFORM.parameters("spi_cause", List.of("f"), List.of(), 1);
        try (Registration r = PLATFORM.addFunction(params, "Calls f; wraps what it raises.", (args, nargs, kwnames) -> {
            long result = PY.PyObject_CallObject(params.get(args, nargs, kwnames, 0), 0);
            if (result != 0) return result;
            long cause = PLATFORM.fetchError();
            assertEquals(0, PY.PyErr_Occurred());
            return PLATFORM.raise(PLATFORM.types().jsonEncodeError, "Type is not JSON serializable: X", cause);
        })) {
            Bridge.eval("exec('def _bad():\\n    raise ValueError(\"inside default\")\\n', globals())");
            String seen = (String) Bridge.eval("(lambda: [exec('try:\\n    serpentine.spi_cause(_bad)\\n"
                    + "except serpentine.JSONEncodeError as e:\\n    _e = e\\n', globals()), "
                    + "'|'.join([type(_e).__name__, str(_e), type(_e.__cause__).__name__, str(_e.__cause__),"
                    + " str(_e.__suppress_context__), _e.__cause__.__traceback__.tb_frame.f_code.co_name])][1])()");
            assertEquals("TypeError|Type is not JSON serializable: X|ValueError|inside default|True|_bad", seen);
            assertEquals("ok|3", outcome("serpentine.spi_cause(lambda: 3)"));

            long live = RT.liveHandles();
            List<Long> counts = RT.call(python -> {
                try (PyRef bad = python.eval("_bad"); PyRef fn = python.eval("serpentine.spi_cause")) {
                    long before = Bridge.refcount(python, bad);
                    for (int i = 0; i < 500; i++) {
                        assertThrows(PythonException.class, () -> python.call(fn, bad));
                    }
                    return List.of(before, Bridge.refcount(python, bad));
                }
            });
            assertEquals(counts.get(0), counts.get(1), "the callable's references before and after");
            assertEquals(live, RT.liveHandles());
        }
    }

    @Test
    void theDecodeErrorIsAJsonDecodeErrorWithPythonsPositions() {
        try (Registration r = PLATFORM.addFunction("spi_fail", "doc", "Fails at char 19.",
                doc -> PLATFORM.raiseDecodeError("unexpected character", doc, 19))) {
            RT.call(python -> {
                python.exec("_doc = '{\\n  \"a\": 1,\\n  \"b\": x\\n}'\n"
                        + "try:\n    serpentine.spi_fail(_doc)\nexcept json.JSONDecodeError as e:\n    _d = e\n");
                return null;
            });
            String seen = (String) Bridge.eval("'|'.join(map(str, [type(_d).__module__, type(_d).__name__, _d.msg,"
                    + " _d.pos, _d.lineno, _d.colno, _d, isinstance(_d, ValueError), _d.doc == _doc]))");
            assertEquals("serpentine|JSONDecodeError|unexpected character|19|3|8|unexpected character: line 3 column 8"
                    + " (char 19)|True|True", seen);
        }
        assertEquals(Boolean.TRUE, Bridge.eval("serpentine.JSONEncodeError is TypeError"));
        assertEquals(Boolean.TRUE, Bridge.eval("serpentine.JSONDecodeError.__mro__[1] is json.JSONDecodeError"));
        // the Java exception computes line and column as json.JSONDecodeError does
        JsonDecodeException e = JsonDecodeException.at("unexpected character", "{\n  \"a\": 1,\n  \"b\": x\n}", 19);
        assertEquals("unexpected character: line 3 column 8 (char 19)", e.getMessage());
        assertEquals(List.of(19L, 3L, 8L), List.of(e.position(), e.line(), e.column()));
    }

    @Test
    void aRegisteredFunctionIsReplacedInPlaceAndTakenBackByItsOwnerOnly() {
        Parameters params = PLATFORM.parameters("spi_v", List.of(), List.of(), 0);
        Registration v1 = PLATFORM.addFunction(params, "Version.", (a, n, k) -> PY.PyLong_FromLongLong(1));
        try {
            Bridge.eval("exec('_held = serpentine.spi_v', globals())");
            assertEquals(1L, Bridge.eval("_held()"));
            Registration v2 = PLATFORM.addFunction(params, "Version.", (a, n, k) -> PY.PyLong_FromLongLong(2));
            try {
                assertEquals(2L, Bridge.eval("_held()"), "the held function object runs the new body");
                assertEquals(Boolean.TRUE, Bridge.eval("_held is serpentine.spi_v"));
                v1.close(); // replaced already: changes nothing
                assertEquals(2L, Bridge.eval("serpentine.spi_v()"));
            } finally {
                v2.close();
            }
            assertEquals(Boolean.FALSE, Bridge.eval("hasattr(serpentine, 'spi_v')"));
            assertEquals("RuntimeError|serpentine.spi_v is not provided any more: the bundle that registered it has"
                    + " stopped", outcome("_held()"));
        } finally {
            v1.close();
        }
    }

    @Test
    void typeAddressesAreTheObjectsPythonSees() {
        PlatformTypes t = PLATFORM.types();
        assertEquals(List.of(t.datetime, t.date, t.time, t.timezone, t.uuid, t.enumMeta, t.orderedDict,
                        t.jsonDecodeError, t.jsonEncodeError, t.builtin.dictType).toString(),
                Bridge.eval("repr((lambda d, u, e, c: [id(d.datetime), id(d.date), id(d.time), id(d.timezone), id(u.UUID),"
                        + " id(e.EnumMeta), id(c.OrderedDict), id(serpentine.JSONDecodeError), id(TypeError), id(dict)])"
                        + "(*map(__import__, ['datetime', 'uuid', 'enum', 'collections'])))"));
        assertTrue(t == PLATFORM.types(), "looked up once");
    }

    @Test
    void withoutACodecEveryEntryFailsNamingTheBundleToInstall() {
        assertEquals("RuntimeError|no JSON encoder is installed: install the bundle dev.serpentine.serializer"
                + " (in plain Java, put the serializer jar on the class path or module path)", outcome("serpentine.dumps(1)"));
        assertEquals("RuntimeError|no JSON decoder is installed: install the bundle dev.serpentine.deserializer"
                + " (in plain Java, put the deserializer jar on the class path or module path)", outcome("serpentine.loads('1')"));
        assertEquals("(obj, /, default=None, option=None)", Bridge.eval("str(inspect.signature(serpentine.dumps))"));
        assertEquals("(obj, /)", Bridge.eval("str(inspect.signature(serpentine.loads))"));
        assertEquals("Serialize Python objects to JSON.", Bridge.eval("serpentine.dumps.__doc__"));
        JsonCodecUnavailableException e = assertThrows(JsonCodecUnavailableException.class,
                () -> RT.call(python -> {
                    try (PyRef one = python.eval("1")) {
                        return Json.dumps(python, one);
                    }
                }));
        assertTrue(e.getMessage().contains("dev.serpentine.serializer"), e.getMessage());
        e = assertThrows(JsonCodecUnavailableException.class, () -> RT.call(python -> Json.loads(python, "1")));
        assertTrue(e.getMessage().contains("dev.serpentine.deserializer"), e.getMessage());
        assertEquals(0L, (long) RT.call(python -> PY.PyErr_Occurred()));
    }

    /** A codec that answers with a fixed document: enough to see which one serves a call. */
    private static final class FixedCodec implements JsonEncoder, JsonDecoder {
        private final String text;

        FixedCodec(String text) {
            this.text = text;
        }

        @Override
        public long dumps(long args, long nargs, long kwnames) {
            if (nargs != 1 || kwnames != 0) return PLATFORM.raise(PLATFORM.types().jsonEncodeError, "one argument");
            return CStrings.call(PY, text, c -> PY.PyBytes_FromStringAndSize(c, text.length()));
        }

        @Override
        public byte[] encode(Python python, PyRef value, int options) {
            if (options != 0) throw new JsonEncodeException("no options");
            return text.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public long loads(long obj) {
            return CStrings.call(PY, text, c -> PY.PyUnicode_FromStringAndSize(c, text.length()));
        }

        @Override
        public PyRef decode(Python python, byte[] json) {
            return python.toPython(text + ":" + json.length);
        }

        @Override
        public PyRef decode(Python python, ByteBuffer json) {
            return python.toPython(text + ":" + json.remaining());
        }

        @Override
        public PyRef decode(Python python, String json) {
            return python.toPython(text + ":" + json);
        }
    }

    @Test
    void installedCodecsServePythonAndJavaAndAReplacementTakesOver() {
        FixedCodec first = new FixedCodec("1");
        FixedCodec second = new FixedCodec("2");
        try (Registration e1 = PLATFORM.installEncoder(first); Registration d1 = PLATFORM.installDecoder(first)) {
            assertEquals("ok|b'1'", outcome("serpentine.dumps(None)"));
            assertEquals("ok|'1'", outcome("serpentine.loads(b'[]')"));
            assertEquals("TypeError|one argument", outcome("serpentine.dumps(1, 2)"));
            assertEquals(oneArgOracle("loads", "(1, 2)"), outcome("serpentine.loads(1, 2)"));
            try (Registration e2 = PLATFORM.installEncoder(second); Registration d2 = PLATFORM.installDecoder(second)) {
                e1.close();
                d1.close();
                assertEquals("ok|b'2'", outcome("serpentine.dumps(None)"));
                List<Object> java = RT.call(python -> {
                    try (PyRef none = python.eval("None"); PyRef a = Json.loads(python, new byte[3]);
                         PyRef b = Json.loads(python, ByteBuffer.allocateDirect(5));
                         PyRef c = Json.loads(python, "[]")) {
                        return List.of(new String(Json.dumps(python, none), StandardCharsets.UTF_8),
                                python.toJava(a), python.toJava(b), python.toJava(c));
                    }
                });
                assertEquals(List.of("2", "2:3", "2:5", "2:[]"), java);
                JsonEncodeException bad = assertThrows(JsonEncodeException.class, () -> RT.call(python -> {
                    try (PyRef none = python.eval("None")) {
                        return Json.dumps(python, none, 1);
                    }
                }));
                assertEquals("no options", bad.getMessage());
            }
        }
        assertTrue(outcome("serpentine.dumps(None)").startsWith("RuntimeError|no JSON encoder"));
    }
}
