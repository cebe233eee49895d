"""Views share their base's data, as in numpy, on top of arrays that are lazy graph values.

A view and its base form a *family*: one root value (`fam.base`, a private handle on the root's
current node) and the live members, each a weak reference with the chain of view steps that
derives it from the root (slicing, reshape, transpose). A write to any member (every mutating path
ends in `Var._rebind`, which is this module's `rebind`) scatters the new value back through its
chain into a new root node, then rebinds every live member to its chain applied to that root. So
`v = x[2:]; v[0] = 5` changes `x`, and `x[3] = 7` changes `v`: all lazily, as ordinary graph ops
(assign, slice, reshape, permute), so autograd and fusion see nothing special.

Which results are views follows numpy: basic indexing (not a full integer index, which gives a
scalar), transpose and friends, squeeze/expand_dims, and reshape/ravel when numpy could reshape
without copying. Each member's numpy strides (in elements, relative to the C-contiguous root) are
tracked for that decision. broadcast_to and diagonal give read-only views, as in numpy."""
import weakref

from .. import _C
from .._tensor import Var

_native_rebind = Var._rebind

SLICE, RESHAPE, PERMUTE, READONLY = "slice", "reshape", "permute", "readonly"


def _contiguous(shape):
    strides, acc = [], 1
    for d in reversed(shape):
        strides.append(acc)
        acc *= d
    return tuple(reversed(strides))


class _Family:
    __slots__ = ("base", "members", "prune_at")

    def __init__(self, root):
        self.base = root._handle()  # the root's value, alive as long as any member is
        self.members = []           # [(weakref to a Var, steps)]
        self.prune_at = 16

    def add(self, v, steps):
        self.members.append((weakref.ref(v), steps))
        if len(self.members) >= self.prune_at:  # views taken in a loop die young: drop them now and then
            self.prune()
            self.prune_at = max(16, 2 * len(self.members))

    def prune(self):
        self.members = [(r, s) for r, s in self.members if r() is not None]


def _info(x):
    """(family, steps, numpy strides) of x; x becomes the root of a new family if it has none."""
    a = getattr(x, "_alias", None)
    if a is None:
        fam = _Family(x)
        fam.add(x, ())
        a = x._alias = (fam, (), _contiguous(x.shape))
    return a


def _register(x, new_steps, result, strides):
    fam, steps, _ = _info(x)
    s = steps + new_steps
    result._alias = (fam, s, strides)
    fam.add(result, s)
    return result


# ---- applying and inverting one step ----

def _apply(v, step):
    kind = step[0]
    if kind is SLICE:
        return _C.slice(v, step[1], step[2], step[3])
    if kind is RESHAPE:
        return _C.reshape(v, step[1])
    if kind is PERMUTE:
        return _C.permute(v, step[1])
    return step[1](v)  # READONLY: any function of the parent


def _scatter(old, step, new):
    """The parent `old` with the part that `step` selects replaced by `new`."""
    kind = step[0]
    if kind is SLICE:
        return _C.assign(old, new, step[1], step[2], step[3])
    if kind is RESHAPE:
        return _C.reshape(new, list(old.shape))
    inv = [0] * len(step[1])
    for i, p in enumerate(step[1]):
        inv[p] = i
    return _C.permute(new, inv)


def _derive(root, steps):
    for s in steps:
        root = _apply(root, s)
    return root


def _set_keeping_leaf(m, v):
    # a parameter (leaf that requires grad) keeps being one, with its .grad, when written under no_grad
    if _C.ag_requires_grad(m) and _C.ag_is_leaf(m):
        g = _C.ag_grad(m)
        _native_rebind(m, v)
        _C.ag_set_requires_grad(m, True)
        _C.ag_set_grad(m, g)
    else:
        _native_rebind(m, v)


def rebind(x, new):
    """x now has the value `new` (same shape and dtype); in a family every member sees the write."""
    a = getattr(x, "_alias", None)
    if a is None:
        _native_rebind(x, new)
        return
    fam, steps, _ = a
    if any(s[0] is READONLY for s in steps):
        raise ValueError("assignment destination is read-only")
    if steps and _C.is_grad_enabled() and _C.ag_requires_grad(fam.base) and _C.ag_is_leaf(fam.base):
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")
    parents = [fam.base]
    for s in steps[:-1]:
        parents.append(_apply(parents[-1], s))
    for s, old in zip(reversed(steps), reversed(parents)):
        new = _scatter(old, s, new)
    _native_rebind(fam.base, new)
    fam.prune()
    for ref, s in fam.members:
        m = ref()
        if m is not None:
            _set_keeping_leaf(m, _derive(new, s))


def settle(x):
    """Leave the family when no other member is alive, so that x's buffer can again be written in place."""
    a = getattr(x, "_alias", None)
    if a is not None and not a[1]:
        fam = a[0]
        fam.prune()
        if len(fam.members) == 1:
            del x._alias


# ---- making views ----

def _nocopy_strides(shape, strides, newshape):
    """numpy's rule: the strides that show the same elements in `newshape`, or None if a copy is needed."""
    if 0 in shape:
        return _contiguous(newshape)
    old = [(d, s) for d, s in zip(shape, strides) if d != 1]
    new = list(newshape)
    out = [0] * len(new)
    oi = ni = 0
    while oi < len(old) and ni < len(new):
        oj, nj = oi + 1, ni + 1
        op, np_ = old[oi][0], new[ni]
        while op != np_:
            if np_ < op:
                np_ *= new[nj]
                nj += 1
            else:
                op *= old[oj][0]
                oj += 1
        for k in range(oi, oj - 1):  # the old dims merged here must be contiguous among themselves
            if old[k][1] != old[k + 1][0] * old[k + 1][1]:
                return None
        out[nj - 1] = old[oj - 1][1]
        for k in range(nj - 1, ni, -1):
            out[k - 1] = out[k] * new[k]
        oi, ni = oj, nj
    last = out[ni - 1] if ni else 1
    for k in range(ni, len(new)):  # trailing ones
        out[k] = last
    return tuple(out)


def slice_view(x, start, step, length, out_shape):
    """x[key] for a basic key already parsed into per-dim (start, step, length) and the result shape."""
    v = _C.slice(x, start, step, length)
    strides = tuple(s * k for s, k in zip(_info(x)[2], step))
    steps = ((SLICE, start, step, length),)
    if list(v.shape) != out_shape:  # ints drop dims, None adds them: a reshape that never copies
        strides = _nocopy_strides(v.shape, strides, out_shape)
        v = _C.reshape(v, out_shape)
        steps += ((RESHAPE, out_shape),)
    return _register(x, steps, v, strides)


def reshape_view(x, shape, always=False):
    """x.reshape(shape): a view when numpy would make one (or `always`: x.flat), else a copy."""
    shape = list(shape)
    r = _C.reshape(x, shape)
    strides = _nocopy_strides(x.shape, _info(x)[2], r.shape)
    if strides is None:
        if not always:
            return r
        strides = _contiguous(r.shape)
    return _register(x, ((RESHAPE, list(r.shape)),), r, strides)


def is_contiguous(x):
    a = getattr(x, "_alias", None)
    if a is None:
        return True
    return all(d == 1 or s == c for d, s, c in zip(x.shape, a[2], _contiguous(x.shape)))


def permute_view(x, perm):
    r = _C.permute(x, perm)
    st = _info(x)[2]
    return _register(x, ((PERMUTE, list(perm)),), r, tuple(st[p] for p in perm))


def readonly_view(x, fn):
    """fn(x), seeing later writes to x but refusing writes of its own (numpy's broadcast_to, diagonal)."""
    r = fn(x)
    return _register(x, ((READONLY, fn),), r, _contiguous(r.shape))


Var._rebind = rebind
