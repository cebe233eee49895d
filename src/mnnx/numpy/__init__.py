"""mnnx.numpy: numpy's names and semantics on lazy, fused arrays.

    import mnnx.numpy as np

Arrays are nodes of a lazy graph, computed when needed (printing, np.asarray, item(), mnnx.eval) by
fused native kernels; views and writes follow numpy (see _alias.py)."""
import numpy as _np

from .._tensor import Var as ndarray
from . import _methods  # noqa: F401  (attaches the ndarray methods)
from . import (_creation, _reductions, _shape, _ufuncs, _products, _select, _sorting, _sets, _misc, _nanfuncs, _quantile,
               _indexfuncs, _io)
from ._creation import *  # noqa: F401,F403
from ._reductions import *  # noqa: F401,F403
from ._shape import *  # noqa: F401,F403
from ._ufuncs import *  # noqa: F401,F403
from ._ufuncs import sigmoid, erf  # noqa: F401
from ._products import *  # noqa: F401,F403
from ._select import *  # noqa: F401,F403
from ._sorting import *  # noqa: F401,F403
from ._sets import *  # noqa: F401,F403
from ._misc import *  # noqa: F401,F403
from ._nanfuncs import *  # noqa: F401,F403
from ._quantile import *  # noqa: F401,F403
from ._indexfuncs import *  # noqa: F401,F403
from ._io import *  # noqa: F401,F403
from ._pad import pad  # noqa: F401
from . import _array_methods  # noqa: F401  (sort, argsort, nonzero, take, ... as methods)
from . import linalg, random, fft  # noqa: F401  (numpy's submodules)

# dtypes and constants are numpy's own objects: x.dtype == np.float32 holds either way
bool_ = _np.bool_
int8, int16, int32, int64 = _np.int8, _np.int16, _np.int32, _np.int64
uint8, uint16, uint32, uint64 = _np.uint8, _np.uint16, _np.uint32, _np.uint64
float16, float32, float64 = _np.float16, _np.float32, _np.float64
half, single, double = float16, float32, float64
intp, uintp = _np.intp, _np.uintp
dtype = _np.dtype
finfo, iinfo = _np.finfo, _np.iinfo
result_type, can_cast, promote_types = _np.result_type, _np.can_cast, _np.promote_types
pi, e, inf, nan, euler_gamma = _np.pi, _np.e, _np.inf, _np.nan, _np.euler_gamma
newaxis = None
AxisError = _np.exceptions.AxisError

__all__ = (["ndarray", "sigmoid", "erf", "bool_", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
            "uint64", "float16", "float32", "float64", "half", "single", "double", "intp", "uintp", "dtype", "finfo",
            "iinfo", "result_type", "can_cast", "promote_types", "pi", "e", "inf", "nan", "euler_gamma", "newaxis",
            "linalg", "random", "fft", "pad"]
           + [n for m in (_creation, _reductions, _shape, _ufuncs, _products, _select, _sorting, _sets, _misc, _nanfuncs,
                          _quantile, _indexfuncs, _io) for n in m.__all__])

from ._complex import *  # noqa: E402,F401,F403
from . import _complex  # noqa: E402
__all__ += _complex.__all__
_complex.wrap_namespace(globals(), __all__)  # complex input: numpy computes it
_complex.wrap_namespace(vars(linalg), linalg.__all__, _np.linalg)

from .. import array_api as _array_api  # noqa: E402,F401  (attaches ndarray.__array_namespace__)
