"""Unknown keyword arguments get a "did you mean" error (scikit-learn forbids ``**kwargs``)."""

from __future__ import annotations

import difflib
import inspect


class SuggestNames(type):
    """Metaclass: an unknown keyword argument gets a "did you mean" error naming the
    closest parameters (scikit-learn forbids ``**kwargs`` in ``__init__``)."""

    def __call__(cls, *args, **kwargs):
        names = [p for p in inspect.signature(cls.__init__).parameters if p != "self"]
        unknown = [k for k in kwargs if k not in names]
        if unknown:
            msgs = []
            for k in unknown:
                close = difflib.get_close_matches(k, names, n=3, cutoff=0.6)
                hint = f" (did you mean {', '.join(map(repr, close))}?)" if close else ""
                msgs.append(f"{k!r}{hint}")
            raise TypeError(f"{cls.__name__} got unknown keyword argument(s): {', '.join(msgs)}")
        return super().__call__(*args, **kwargs)

    @property
    def __signature__(cls):
        sig = inspect.signature(cls.__init__)
        return sig.replace(parameters=list(sig.parameters.values())[1:])

