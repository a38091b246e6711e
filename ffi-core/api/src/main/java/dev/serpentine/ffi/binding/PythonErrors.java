package dev.serpentine.ffi.binding;

import dev.serpentine.ffi.PythonException;

/** Turns the pending Python exception into a {@link PythonException}. Cold code: clarity over speed. */
final class PythonErrors {

    private PythonErrors() {
    }

    static PythonException fetch(RunningInterpreter interpreter, String context) {
        CPythonBinding py = interpreter.binding();
        NativeMemory mem = py.memory();
        long slots = py.PyMem_RawCalloc(3, 8);
        if (slots == 0) throw new OutOfMemoryError("PyMem_RawCalloc failed while fetching a Python error");
        long type = 0;
        long value = 0;
        long tb = 0;
        try {
            py.PyErr_Fetch(slots, slots + 8, slots + 16);
            if (mem.getLong(slots) == 0) {
                return new PythonException("SystemError", context + " failed without setting a Python exception", "");
            }
            py.PyErr_NormalizeException(slots, slots + 8, slots + 16);
            type = mem.getLong(slots);
            value = mem.getLong(slots + 8);
            tb = mem.getLong(slots + 16);
            String name = typeName(interpreter, type);
            String message = value == 0 ? "" : text(interpreter, py.PyObject_Str(value));
            String traceback = formatTraceback(interpreter, type, value, tb);
            return new PythonException(name, message == null ? "<str() failed>" : message, traceback);
        } finally {
            py.Py_DecRef(type);
            py.Py_DecRef(value);
            py.Py_DecRef(tb);
            py.PyMem_RawFree(slots);
            // The error being described was taken at the start: anything pending now came from describing it (a
            // str() or a traceback formatter that failed) and would be blamed on the next, unrelated call.
            if (py.PyErr_Occurred() != 0) py.PyErr_Clear();
        }
    }

    /** {@code module.qualname}, or just {@code qualname} for builtins. */
    private static String typeName(RunningInterpreter in, long type) {
        String qualname = text(in, attr(in, type, "__qualname__"));
        String module = text(in, attr(in, type, "__module__"));
        if (qualname == null) qualname = "<unknown exception type>";
        return module == null || module.equals("builtins") ? qualname : module + "." + qualname;
    }

    private static String formatTraceback(RunningInterpreter in, long type, long value, long tb) {
        if (tb == 0) return "";
        CPythonBinding py = in.binding();
        long tbModule = 0;
        long format = 0;
        long args = 0;
        try {
            long name = CStrings.allocate(py, "traceback");
            try {
                tbModule = py.PyImport_ImportModule(name);
            } finally {
                CStrings.free(py, name);
            }
            if (tbModule == 0) { py.PyErr_Clear(); return ""; }
            format = attr(in, tbModule, "format_exception");
            if (format == 0) return ""; // attr() cleared the error
            args = py.PyTuple_New(3);
            if (args == 0) { py.PyErr_Clear(); return ""; }
            for (int i = 0; i < 3; i++) {
                long item = i == 0 ? type : i == 1 ? value : tb;
                py.Py_IncRef(item);
                py.PyTuple_SetItem(args, i, item);
            }
            long lines = py.PyObject_CallObject(format, args);
            if (lines == 0) { py.PyErr_Clear(); return ""; }
            return join(in, lines);
        } finally {
            py.Py_DecRef(args);
            py.Py_DecRef(format);
            py.Py_DecRef(tbModule);
        }
    }

    private static String join(RunningInterpreter in, long lines) {
        CPythonBinding py = in.binding();
        StringBuilder sb = new StringBuilder();
        try {
            long n = py.PyList_Size(lines);
            if (n < 0) { // format_exception replaced by something that returns no list
                py.PyErr_Clear();
                return "";
            }
            for (long i = 0; i < n; i++) {
                long item = py.PyList_GetItem(lines, i); // borrowed
                if (item == 0) { // the list shrank meanwhile
                    py.PyErr_Clear();
                    break;
                }
                py.Py_IncRef(item);
                String s = text(in, item);
                if (s != null) sb.append(s);
            }
            return sb.toString();
        } finally {
            py.Py_DecRef(lines);
        }
    }

    private static long attr(RunningInterpreter in, long o, String name) {
        CPythonBinding py = in.binding();
        long n = CStrings.allocate(py, name);
        try {
            long r = py.PyObject_GetAttrString(o, n);
            if (r == 0) py.PyErr_Clear();
            return r;
        } finally {
            CStrings.free(py, n);
        }
    }

    /** A str's code points one by one, lone surrogates included; null (error cleared) when it cannot be read. */
    private static String codePoints(CPythonBinding py, long str) {
        long n = py.PyUnicode_GetLength(str);
        if (n < 0) {
            py.PyErr_Clear();
            return null;
        }
        StringBuilder sb = new StringBuilder((int) Math.min(n, 1 << 20));
        for (long i = 0; i < n; i++) {
            int cp = py.PyUnicode_ReadChar(str, i);
            if (cp == -1) {
                py.PyErr_Clear();
                return null;
            }
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    /** The text of a new reference to a str (consumed), or null (with the error cleared) when it is NULL or unreadable. */
    private static String text(RunningInterpreter in, long str) {
        CPythonBinding py = in.binding();
        if (str == 0) {
            py.PyErr_Clear();
            return null;
        }
        long size = py.PyMem_RawMalloc(8);
        try {
            long p = py.PyUnicode_AsUTF8AndSize(str, size);
            if (p == 0) {
                py.PyErr_Clear();
                return codePoints(py, str); // UTF-8 refuses lone surrogates (e.g. os.fsdecode's '\udcff')
            }
            return CStrings.read(py.memory(), p, py.memory().getLong(size));
        } finally {
            py.PyMem_RawFree(size);
            py.Py_DecRef(str);
        }
    }
}
