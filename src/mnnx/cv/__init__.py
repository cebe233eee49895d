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


from ._filters import *  # noqa: F401,F403  (filters, thresholds, morphology, histograms)
from ._draw import *  # noqa: F401,F403  (contours, drawing, text)
