"""Reverse-mode autograd as a graph transform.

`grad(y, xs)` walks the graph below `y` from the output back to `xs` and applies each op's VJP rule
(_rules.py), which builds ordinary lazy ops: the backward pass is fused, memory-planned and
plan-cached like any forward graph, and with create_graph=True it is differentiable again.

Three habits share that one walk: `loss.backward()` accumulates into `.grad` of leaves (PyTorch),
`mnnx.grad(y, xs)` returns the gradients (functional), `mnnx.value_and_grad(f)` wraps a function
(JAX/MLX).

The graph and retain_graph: a node that requires grad keeps its inputs when realized, so printing a
loss before calling backward() is fine (what the fused forward did not keep is recomputed by the
backward plan). Unlike PyTorch, the graph is kept after backward()/grad() by default (retain_graph
None means True): the habits can be mixed on one loss (backward, then grad, as in the issue's
example), and memory goes when the outputs are dropped (a step that rebinds `loss` frees the
previous step's graph). retain_graph=False is PyTorch's behaviour: every realized result walked
through forgets its inputs, and a second backward through it raises. Hold on to old losses only
through float(loss) or loss.detach() (PyTorch's advice too): a held loss with its graph keeps that
step's parameter values alive. Views keep their input (they save no values). Gradients built with
create_graph=True may reference their own leaf (a reference cycle through `.grad`, as in PyTorch):
set `x.grad = None` when done."""
import functools

from .. import _C
from .._tensor import Var, asarray
from ._rules import RULES, NONDIFFERENTIABLE

__all__ = ["grad", "backward", "value_and_grad", "no_grad", "enable_grad", "set_grad_enabled", "is_grad_enabled", "tensor"]


# ---- grad mode ----

def is_grad_enabled():
    return _C.is_grad_enabled()


class set_grad_enabled:
    """Switch grad mode on or off: a function call, a context manager or a decorator (PyTorch's)."""

    def __init__(self, mode=True):
        self.prev = _C.is_grad_enabled()
        self.mode = bool(mode)
        _C.set_grad_enabled(self.mode)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        _C.set_grad_enabled(self.prev)
        return False

    def __call__(self, fn):
        _C.set_grad_enabled(self.prev)  # as a decorator, the mode applies inside the call only
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)
        return wrapper


class _Mode:
    mode = True

    def __new__(cls, fn=None):  # @no_grad works without the parentheses too
        self = super().__new__(cls)
        return self if fn is None else self(fn)

    def __enter__(self):
        self.prev = _C.is_grad_enabled()
        _C.set_grad_enabled(self.mode)
        return self

    def __exit__(self, *exc):
        _C.set_grad_enabled(self.prev)
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with type(self)():
                return fn(*args, **kwargs)
        return wrapper


class no_grad(_Mode):
    """Ops built inside do not require grad (evaluation, parameter updates)."""
    mode = False


class enable_grad(_Mode):
    """Grad mode back on inside a no_grad region."""
    mode = True


# ---- the walk ----

_FREED = ("Trying to backward through the graph a second time (or directly access saved tensors after they have "
          "already been freed). Saved intermediate values of the graph are freed when you call .backward() or "
          "autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if "
          "you need to access saved tensors after calling backward.")


class _Node:
    """One node of the walk: its handle, id, whether autograd stops there, its inputs and their ids."""
    __slots__ = ("var", "id", "leaf", "ins", "ids")

    def __init__(self, var, i):
        self.var, self.id = var, i
        self.leaf = _C.ag_is_leaf(var)
        self.ins = [] if self.leaf else _C.ag_inputs(var)
        self.ids = [_C.ag_node_id(x) if _C.ag_requires_grad(x) else None for x in self.ins]
        if not self.leaf and not self.ins:  # computed with grad, but retain_graph=False forgot how
            raise RuntimeError(_FREED)


def _topo(roots):
    """Nodes that require grad below `roots`, inputs before their consumers."""
    order, seen = [], set()
    stack = [(r, None) for r in roots]
    while stack:
        v, done = stack.pop()
        if done is not None:
            order.append(done)
            continue
        i = _C.ag_node_id(v)
        if i in seen:
            continue
        seen.add(i)
        n = _Node(v, i)
        stack.append((v, n))
        for x, j in zip(n.ins, n.ids):
            if j is not None and j not in seen:
                stack.append((x, None))
    return order


def _backprop(roots, seeds, targets, retain_graph):
    """{node id: gradient} for the target node ids (or, if targets is None, every leaf reached)."""
    order = _topo(roots)
    needed = set()
    for n in order:  # nodes with a target below them: the only ones worth walking
        if (n.leaf and targets is None) or (targets is not None and n.id in targets) or \
                any(j in needed for j in n.ids if j is not None):
            needed.add(n.id)
    grads = {}
    for r, s in zip(roots, seeds):
        i = _C.ag_node_id(r)
        grads[i] = grads[i] + s if i in grads else s
    found, leaves = {}, {}
    for n in reversed(order):
        g = grads.pop(n.id, None)
        if g is None or n.id not in needed:
            continue
        if targets is None and n.leaf:
            found[n.id], leaves[n.id] = g, n.var
            continue
        if targets is not None and n.id in targets:
            found[n.id] = g
        if n.leaf:
            continue
        op = n.var._op
        if op not in RULES:
            raise RuntimeError(f"mnnx autograd: no gradient rule for op '{op}'")
        for j, gx in zip(n.ids, RULES[op](n.var, g, n.ins)):
            if gx is None or j not in needed:
                continue
            grads[j] = grads[j] + gx if j in grads else gx
    if not retain_graph:
        for n in order:
            _C.ag_free_graph(n.var)
    return found, leaves


# A step rebuilt identically each iteration runs the rules once: the backward graph they built is
# recorded per forward structure and cloned onto later graphs in C++ (autograd/replay.h). Only
# first-order passes are recorded; create_graph=True always walks the rules.
def _replayed(roots, seeds, targets, retain_graph, create_graph):
    """(walk, gradients): the recorded gradients for this structure (per target, or (leaf, grad)
    pairs) and walk None; or gradients None and the walk to record the rules' result under."""
    if create_graph:
        return None, None
    walk = _C.ag_walk(roots, seeds, targets)
    out = walk.replay()
    if out is None:
        return walk, None
    if not retain_graph:
        walk.free_graph()
    return None, out


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _seeds(outputs, grad_outputs):
    seeds = []
    for k, (y, g) in enumerate(zip(outputs, grad_outputs)):
        if not isinstance(y, Var) or not _C.ag_requires_grad(y):
            raise RuntimeError(f"element {k} of tensors does not require grad and does not have a grad_fn")
        if g is None:
            if y.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            g = _C.full(1.0, list(y.shape), y._dtype_char)
        else:
            g = asarray(g)
            if tuple(g.shape) != tuple(y.shape):
                raise RuntimeError(f"Mismatch in shape: grad_output[{k}] has a shape of {tuple(g.shape)} and output[{k}] "
                                   f"has a shape of {tuple(y.shape)}.")
            if g.dtype.kind != "f":
                raise TypeError(f"grad_output[{k}] must be floating point, got {g.dtype}")
            if g.dtype != y.dtype:
                g = _C.cast(g, y._dtype_char)
        seeds.append(g)
    return seeds


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False):
    """Gradients of `outputs` with respect to `inputs`, as a tuple of lazy arrays (torch.autograd.grad).

    Scalar outputs need no grad_outputs; otherwise pass one array of the output's shape per output
    (the vector of a vector-Jacobian product). With create_graph=True the gradients are themselves
    differentiable (higher-order derivatives)."""
    outputs, inputs = _as_list(outputs), _as_list(inputs)
    grad_outputs = [None] * len(outputs) if grad_outputs is None else _as_list(grad_outputs)
    if len(grad_outputs) != len(outputs):
        raise RuntimeError(f"grad requires one grad_output per output: got {len(grad_outputs)} for {len(outputs)} outputs")
    for k, x in enumerate(inputs):
        if not isinstance(x, Var):
            raise TypeError(f"grad: inputs[{k}] is a {type(x).__name__}, not an mnnx array")
        if x._dtype_char not in "efd":
            raise TypeError(f"grad: inputs[{k}] has dtype {x.dtype}; only floating-point arrays have gradients")
        if not _C.ag_requires_grad(x):
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    retain = True if retain_graph is None else retain_graph
    with set_grad_enabled(create_graph):
        seeds = _seeds(outputs, grad_outputs)
        walk, result = _replayed(outputs, seeds, inputs, retain, create_graph)
        if result is None:
            ids = [_C.ag_node_id(x) for x in inputs]
            found, _ = _backprop(outputs, seeds, set(ids), retain)
            result = [found.get(i) for i in ids]
            if walk is not None:
                walk.record(result, [])
    if not allow_unused and any(g is None for g in result):
        raise RuntimeError("One of the differentiated Tensors appears to not have been used in the graph. "
                           "Set allow_unused=True if this is the desired behavior.")
    return tuple(result)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False):
    """Accumulate d(tensors)/d(leaf) into `.grad` of every leaf that requires grad, computed now
    (one plan with whatever forward values are still to compute)."""
    outputs = _as_list(tensors)
    grad_tensors = [None] * len(outputs) if grad_tensors is None else _as_list(grad_tensors)
    retain = True if retain_graph is None else retain_graph
    with set_grad_enabled(create_graph):
        seeds = _seeds(outputs, grad_tensors)
        walk, pairs = _replayed(outputs, seeds, None, retain, create_graph)
        if pairs is None:
            found, leaves = _backprop(outputs, seeds, None, retain)
            pairs = [(leaves[i], g) for i, g in found.items()]
            del found, leaves
            if walk is not None:
                walk.record([g for _, g in pairs], [v for v, _ in pairs])
        new = []
        for leaf, g in pairs:
            old = _C.ag_grad(leaf)
            new.append((leaf, g if old is None else old + g))
    del pairs, seeds
    _C.realize([g for _, g in new] + [y for y in outputs if isinstance(y, Var)])  # one plan: the outputs too
    if not retain:
        for y in outputs:
            _C.ag_free_graph(y)
    for leaf, g in new:
        _C.ag_set_grad(leaf, g)


def _flatten(tree):
    """The arrays of a nested list/tuple/dict (a parameter pytree), and how to rebuild it."""
    if isinstance(tree, (list, tuple)):
        parts = [_flatten(t) for t in tree]
        leaves = [v for p in parts for v in p[0]]

        def build(vals, parts=parts, kind=type(tree)):
            out, k = [], 0
            for p in parts:
                out.append(p[1](vals[k:k + len(p[0])]))
                k += len(p[0])
            return kind(out)
        return leaves, build
    if isinstance(tree, dict):
        keys = list(tree)
        leaves, build_list = _flatten([tree[k] for k in keys])
        return leaves, lambda vals: dict(zip(keys, build_list(vals)))
    return [tree], lambda vals: vals[0]


def value_and_grad(fun, argnums=0, has_aux=False):
    """JAX/MLX's transform: a function returning (fun(*args), gradient of it with respect to the
    positional arguments `argnums`), both lazy. An argument may be an array or a nested
    list/tuple/dict of arrays (its gradient has the same structure). fun must return a scalar,
    or (scalar, aux) with has_aux=True (the value is then (scalar, aux))."""
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)

    @functools.wraps(fun)
    def wrapped(*args, **kwargs):
        args = list(args)
        flat = {}
        for k in nums:
            if not -len(args) <= k < len(args):
                raise TypeError(f"value_and_grad: argnums {k} is out of range for {len(args)} positional arguments")
            leaves, build = _flatten(args[k])
            fresh = []
            for a in leaves:
                a = asarray(a)
                if a.dtype.kind != "f":
                    raise TypeError(f"value_and_grad: argument {k} has dtype {a.dtype}; only floating-point arrays "
                                    "have gradients")
                a = _C.ag_detach(a)  # a leaf of its own: the caller's array is left untouched
                _C.ag_set_requires_grad(a, True)
                fresh.append(a)
            flat[k] = (fresh, build)
            args[k] = build(fresh)
        with enable_grad():
            out = fun(*args, **kwargs)
        value = out[0] if has_aux else out
        if not isinstance(value, Var) or value.size != 1:
            raise TypeError("value_and_grad: the function must return a scalar array"
                            + (" as the first element of (value, aux)" if has_aux else ""))
        xs = [a for k in nums for a in flat[k][0]]
        gs = list(grad(value, xs, allow_unused=True))
        gs = [_C.full(0.0, list(x.shape), x._dtype_char) if g is None else g for x, g in zip(xs, gs)]
        res, pos = [], 0
        for k in nums:
            fresh, build = flat[k]
            res.append(build(gs[pos:pos + len(fresh)]))
            pos += len(fresh)
        return out, (res[0] if isinstance(argnums, int) else tuple(res))
    return wrapped


def tensor(data, dtype=None, requires_grad=False):
    """An array from data (numpy's dtype defaults), optionally a leaf that requires grad."""
    from ..numpy import array
    r = array(data, dtype=dtype)
    if requires_grad:
        _C.ag_set_requires_grad(r, True)
    return r


# ---- the PyTorch habit on the array type ----

def _get_grad(self):
    return _C.ag_grad(self)


def _set_grad(self, g):
    if g is not None:
        if not isinstance(g, Var):
            raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type {type(g).__name__}")
        if tuple(g.shape) != tuple(self.shape):
            raise RuntimeError("assigned grad has data of a different size")
        if g.dtype != self.dtype:
            raise RuntimeError("assigned grad has data of a different type")
    _C.ag_set_grad(self, g)


def _requires_grad_(self, requires_grad=True):
    _C.ag_set_requires_grad(self, bool(requires_grad))
    return self


def _backward(self, gradient=None, retain_graph=None, create_graph=False):
    backward(self, None if gradient is None else [gradient], retain_graph, create_graph)


_LEAF_INPLACE = "a leaf Variable that requires grad is being used in an in-place operation."


def _leaf_update(op, rebinds):
    """x -= ... (or x[i] = ...) on a leaf that requires grad: an error in grad mode (PyTorch's);
    under no_grad (an optimizer update) the handle itself takes the new value, which is again such a
    leaf and keeps `.grad`: `for p in params: p -= lr * p.grad` updates the parameters in the list,
    as in PyTorch (on other arrays x -= ... rebinds only the name, see README)."""
    @functools.wraps(op)
    def update(self, *args):
        leaf = _C.ag_requires_grad(self) and _C.ag_is_leaf(self)
        if not leaf:
            return op(self, *args)
        if _C.is_grad_enabled():
            raise RuntimeError(_LEAF_INPLACE)
        g = _C.ag_grad(self)
        r = op(self, *args)
        if r is NotImplemented:
            return r
        if not rebinds:
            self._rebind(r)
        _C.ag_set_requires_grad(self, True)
        _C.ag_set_grad(self, g)
        return None if rebinds else self
    return update


for _d in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow"):
    _n = f"__i{_d}__"
    setattr(Var, _n, _leaf_update(getattr(Var, _n), False))
Var.__setitem__ = _leaf_update(Var.__setitem__, True)
Var.requires_grad = property(lambda self: _C.ag_requires_grad(self), lambda self, v: _requires_grad_(self, v))
Var.is_leaf = property(lambda self: _C.ag_is_leaf(self))
Var.grad = property(_get_grad, _set_grad)
Var.requires_grad_ = _requires_grad_
Var.detach = lambda self: _C.ag_detach(self)
Var.backward = _backward
