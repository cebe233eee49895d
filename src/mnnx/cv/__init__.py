"""mnnx.cv: cv2's image-processing API (names, signatures, constants, HWC uint8 BGR images) on native
kernels. numpy arrays in -> numpy arrays out; mnnx arrays in -> mnnx arrays out, so a preprocessing
chain on mnnx arrays stays lazy after the native steps and fuses (see blobFromImage).

    import mnnx.cv as cv2
"""
from ._core import *  # noqa: F401,F403
from ._color import *  # noqa: F401,F403
from ._geometry import *  # noqa: F401,F403
from ._io import *  # noqa: F401,F403
from ._pipeline import *  # noqa: F401,F403


def _merge(part):
    """from .part import * for the parts that exist: filters/thresholds/morphology and contours/drawing
    are built separately. A part that exists but fails to import raises (no silent gaps)."""
    import importlib
    import importlib.util
    if importlib.util.find_spec(f"{__name__}.{part}") is None:
        return
    mod = importlib.import_module(f"{__name__}.{part}")
    names = getattr(mod, "__all__", None) or [n for n in vars(mod) if not n.startswith("_")]
    globals().update({n: getattr(mod, n) for n in names})


_merge("_filters")
_merge("_draw")
