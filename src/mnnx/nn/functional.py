"""mnnx.nn.functional: torch.nn.functional's names and semantics (NCHW) on the lazy graph.
Convolution and pooling are dense kernels; activations and norms are fused elementwise and row
programs, so a conv or matmul followed by bias and activation runs as one kernel."""
from ._conv import *  # noqa: F401,F403
from ._pool import *  # noqa: F401,F403
from ._norm import *  # noqa: F401,F403
from ._act import *  # noqa: F401,F403
from ._loss import *  # noqa: F401,F403
from . import _conv, _pool, _norm, _act

__all__ = _conv.__all__ + _pool.__all__ + _norm.__all__ + _act.__all__
from ._loss import __all__ as _loss_all  # noqa: E402
__all__ += _loss_all
