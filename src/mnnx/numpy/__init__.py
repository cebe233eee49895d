"""mnnx.numpy: numpy's names and semantics on lazy, fused arrays.

    import mnnx.numpy as np

Arrays are values in a lazy graph; they are computed when needed (printing, np.asarray, item(),
mnnx.eval) by fused native kernels."""
import numpy as _np

from .._tensor import Var as ndarray
from . import _methods  # noqa: F401  (attaches the ndarray methods)
from ._creation import *  # noqa: F401,F403
from ._reductions import *  # noqa: F401,F403
from ._shape import *  # noqa: F401,F403
from ._ufuncs import *  # noqa: F401,F403
from ._ufuncs import sigmoid, erf  # noqa: F401
from ._creation import __all__ as _a1
from ._reductions import __all__ as _a2
from ._shape import __all__ as _a3
from ._ufuncs import __all__ as _a4
from ._select import *  # noqa: F401,F403
from ._sorting import *  # noqa: F401,F403
from ._sets import *  # noqa: F401,F403
from ._select import __all__ as _a5
from ._sorting import __all__ as _a6
from ._sets import __all__ as _a7
from ._misc import *  # noqa: F401,F403
from ._nanfuncs import *  # noqa: F401,F403
from ._quantile import *  # noqa: F401,F403
from ._misc import __all__ as _a8
from ._nanfuncs import __all__ as _a9
from ._quantile import __all__ as _a10
from ._pad import pad  # noqa: F401
from ._indexfuncs import *  # noqa: F401,F403
from ._indexfuncs import __all__ as _a11
from . import _array_methods  # noqa: F401  (sort, argsort, nonzero, take, ... as methods)

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
            "iinfo", "result_type", "can_cast", "promote_types", "pi", "e", "inf", "nan", "euler_gamma", "newaxis"]
           + _a1 + _a2 + _a3 + _a4 + _a5 + _a6 + _a7 + _a8 + _a9 + _a10 + _a11 + ["pad"])
