"""Gradients three ways on one lazy graph: PyTorch's backward(), the functional mnnx.grad, JAX/MLX's
value_and_grad. Each training step (forward, backward, update) runs as one cached plan."""
import numpy as np

import mnnx
import mnnx.numpy as mnp
from mnnx import expr as F
from mnnx.nn import functional as NF

rng = np.random.default_rng(0)
x = mnp.asarray(rng.standard_normal((256, 8)).astype(np.float32))
y = mnp.asarray(np.argmax(np.asarray(x) @ rng.standard_normal((8, 3)), axis=1))  # a learnable labelling


def init():
    return [mnnx.tensor(rng.standard_normal((8, 32)).astype(np.float32) * 0.3, requires_grad=True),
            mnnx.tensor(np.zeros(32, np.float32), requires_grad=True),
            mnnx.tensor(rng.standard_normal((32, 3)).astype(np.float32) * 0.3, requires_grad=True)]


def loss_fn(w1, b1, w2):
    return NF.cross_entropy(F.relu(x @ w1 + b1) @ w2, y)


# PyTorch habit: backward() fills .grad; update under no_grad keeps the parameters leaves
params = init()
for step in range(100):
    loss = loss_fn(*params)
    loss.backward()
    with mnnx.no_grad():
        for p in params:
            p -= 0.5 * p.grad
            p.grad = None
print("backward():       loss", float(loss))

# functional habit: gradients as lazy arrays, realized with the loss in one plan
params = init()
for step in range(100):
    loss = loss_fn(*params)
    grads = mnnx.grad(loss, params)
    with mnnx.no_grad():
        params = [(p - 0.5 * g).requires_grad_() for p, g in zip(params, grads)]
    mnnx.eval(loss, *params)
print("mnnx.grad:        loss", float(loss))

# JAX/MLX habit: a function of the parameters, returning (value, gradients)
step_fn = mnnx.value_and_grad(lambda ps: loss_fn(*ps))
params = [np.asarray(p) for p in init()]
for step in range(100):
    loss, grads = step_fn(params)
    params = [mnnx.eval(p - 0.5 * g) for p, g in zip(params, grads)]
print("value_and_grad:   loss", float(loss))
print("plan cache:", mnnx.debug.plan_cache_info())  # a handful of plans for 300 steps

# second derivatives: the gradient is itself differentiable
t = mnnx.tensor(np.array([0.5, 1.0, 2.0]), requires_grad=True)
dt, = mnnx.grad(mnp.sum(mnp.sin(t) * t), [t], create_graph=True)
d2t, = mnnx.grad(mnp.sum(dt), [t])
print("d2/dt2 (t sin t):", np.asarray(d2t), "=", 2 * np.cos([0.5, 1, 2]) - np.array([0.5, 1, 2]) * np.sin([0.5, 1, 2]))
