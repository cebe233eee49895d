"""mnnx.nn: PyTorch-style layers and their functional forms on the lazy graph."""
from . import functional  # noqa: F401

__all__ = ["functional"]
