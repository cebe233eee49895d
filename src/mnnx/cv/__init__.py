"""mnnx.cv (this branch: the filter and drawing half; the package face comes with the other half)."""
from ._filters import *  # noqa: F401,F403
from ._draw import *  # noqa: F401,F403
