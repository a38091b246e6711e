# The serializer's rare types, run in a private namespace of the embedded interpreter (never a module of its own).
# Each helper returns what the Java side writes; a contract error is raised as Refusal(message).
import datetime as _datetime

try:
    from zoneinfo import ZoneInfo as _ZoneInfo
except ImportError:  # 3.8 and builds without zoneinfo
    _ZoneInfo = None

_OMIT_MICROSECONDS = 8
_NAIVE_UTC = 2
_UTC_Z = 128


class Refusal(Exception):
    """A contract error: the Java side raises JSONEncodeError with this message and no __cause__."""


# serpentine.Fragment is the bridge's (serpentine._fragment): it must outlive a release of this bundle.

_TZ_UNSUPPORTED = ("datetime's timezone library is not supported: use datetime.timezone.utc, pendulum, pytz, "
                   "or dateutil")


def _offset(dt, tz):
    if _ZoneInfo is not None and type(tz) is _ZoneInfo:
        return tz.utcoffset(dt)
    if hasattr(tz, "convert"):  # pendulum
        return dt.utcoffset()
    if hasattr(tz, "normalize"):  # pytz
        return tz.normalize(dt).utcoffset()
    if hasattr(tz, "dst"):  # dateutil, datetime.timezone, any tzinfo subclass
        return tz.utcoffset(dt)
    raise Refusal(_TZ_UNSUPPORTED)


def _offset_text(offset, opts):
    seconds = 0 if offset is None else offset.days * 86400 + offset.seconds
    sign = "-" if seconds < 0 else "+"
    minutes = (abs(seconds) + 30) // 60  # nearest minute, half up
    if minutes == 0:
        return "Z" if opts & _UTC_Z else "+00:00"
    return "%s%02d:%02d" % (sign, minutes // 60, minutes % 60)


def datetime_text(dt, opts):
    s = "%04d-%02d-%02dT%02d:%02d:%02d" % (dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second)
    if dt.microsecond and not opts & _OMIT_MICROSECONDS:
        s += ".%06d" % dt.microsecond
    tz = dt.tzinfo
    if tz is None:
        if opts & _NAIVE_UTC:
            s += "Z" if opts & _UTC_Z else "+00:00"
        return s
    return s + _offset_text(_offset(dt, tz), opts)


def date_text(d, opts):
    return "%04d-%02d-%02d" % (d.year, d.month, d.day)


def time_text(t, opts):
    if t.tzinfo is not None:
        raise Refusal("datetime.time must not have tzinfo set")
    s = "%02d:%02d:%02d" % (t.hour, t.minute, t.second)
    if t.microsecond and not opts & _OMIT_MICROSECONDS:
        s += ".%06d" % t.microsecond
    return s


_dataclass_field = None


def is_dataclass_type(tp):
    return "__dataclass_fields__" in tp.__dict__


def dataclass_fields(obj, opts):
    """The fields dumps writes, as a dict in writing order (json-contract.md §2.9)."""
    global _dataclass_field
    tp = type(obj)
    d = getattr(obj, "__dict__", None)
    if d is not None and "__slots__" not in tp.__dict__:
        for k in d:
            if k[:1] == "_":
                return {k: v for k, v in d.items() if k[:1] != "_"}
        return d
    if _dataclass_field is None:
        import dataclasses
        _dataclass_field = dataclasses._FIELD
    out = {}
    for name, f in tp.__dataclass_fields__.items():
        if f._field_type is _dataclass_field and name[:1] != "_":
            try:
                out[name] = getattr(obj, name)
            except AttributeError:
                raise Refusal("dataclass %s has no value for field %r" % (tp.__qualname__, name)) from None
    return out


def enum_value(member, opts):
    return member.value


def fragment_contents(fragment, opts):
    return fragment.contents


# --- numpy (OPT_SERIALIZE_NUMPY): never imported here, only looked up once the object graph holds a numpy object ---

ARRAY_STRUCT = "__array_struct__"

# numpy's NPY_DATETIMEUNIT codes (the same in numpy 1.x and 2.x; 3 was the removed business-day unit).
_DATETIME_UNITS = {"Y": 0, "M": 1, "W": 2, "D": 4, "h": 5, "m": 6, "s": 7, "ms": 8, "us": 9, "ns": 10,
                   "ps": 11, "fs": 12, "as": 13, "generic": 14}


def numpy_types(sample, opts):
    """numpy.ndarray, then the scalar types dumps writes, in NumpyTypes' order; None while numpy is not imported."""
    import sys
    np = sys.modules.get("numpy")
    if np is None or not hasattr(np, "datetime64"):
        return None
    return (np.ndarray, np.float64, np.float32, np.float16, np.int64, np.int32, np.int16, np.int8,
            np.uint64, np.uint32, np.uint16, np.uint8, np.bool_, np.datetime64)


def numpy_datetime_unit(array, opts):
    """A datetime64 array's unit: its NPY_DATETIMEUNIT code | count << 8 (the 10 of 'M8[10s]')."""
    import numpy
    unit, count = numpy.datetime_data(array.dtype)
    return _DATETIME_UNITS[unit] | count << 8
