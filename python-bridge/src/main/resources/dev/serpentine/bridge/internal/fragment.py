# The module serpentine._fragment, made once per process by SerpentineModule.java and kept in sys.modules: the one
# class serpentine.Fragment for the life of the process. Codec bundles come and go (a newer serializer release, a
# refresh of the bridge), and a Fragment made before a swap must still be a Fragment after it.
# Kept free of the at sign and dollar-brace: Maven filters this file.


class Fragment:
    """Already-serialized JSON (bytes or str) that dumps copies verbatim."""

    __slots__ = ("contents",)

    def __init__(self, *args, **kwargs):
        if len(args) != 1 or kwargs:
            raise TypeError("serpentine.Fragment() takes exactly 1 positional argument")
        object.__setattr__(self, "contents", args[0])

    def __init_subclass__(cls, **kwargs):
        raise TypeError("type 'serpentine.Fragment' is not an acceptable base type")

    def __setattr__(self, name, value):
        raise AttributeError("serpentine.Fragment is immutable")


Fragment.__module__ = "serpentine"
