"""Seeing what the engine decides: plans, fused groups, buffers and the plan cache."""
from collections import namedtuple

from . import _C

CacheInfo = namedtuple("CacheInfo", "hits misses plans")


def plan_cache_info():
    """Hits and misses of the plan cache since import, and how many plans it holds."""
    return CacheInfo(*_C.plan_cache_info())


def plan_cache_clear():
    _C.plan_cache_clear()


def explain(*vars, file=None):
    """Print (and return) the plan realizing `vars` would run: kernels, fused ops, buffers."""
    text = _C.explain(list(vars))
    print(text, end="", file=file)
    return text


def isa():
    """The instruction set whose kernels run here: 'avx512', 'avx2' or 'generic'."""
    return _C.isa()


def force_isa(name):
    """Run the kernels of another ISA (to compare variants); clears the plan cache."""
    _C.force_isa(name)
