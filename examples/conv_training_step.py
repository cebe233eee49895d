"""A small conv net trained for a few steps with mnnx: conv2d + bias + relu (one dense kernel with a
fused epilogue), max pooling, a linear layer, cross-entropy, gradients by mnnx.grad and a plain SGD
update. Each step builds the same graph, so after the first step every realize hits the plan cache."""
import numpy as np

import mnnx
import mnnx.numpy as mnp
import mnnx.nn.functional as F


def main():
    rng = np.random.default_rng(0)
    x = mnp.asarray(rng.standard_normal((16, 3, 16, 16)).astype(np.float32))
    y = mnp.asarray(rng.integers(0, 10, 16))
    params = [mnnx.tensor((rng.standard_normal(s) * 0.1).astype(np.float32), requires_grad=True)
              for s in ((8, 3, 3, 3), (8,), (8 * 8 * 8, 10), (10,))]

    def loss_of(w1, b1, w2, b2):
        h = F.relu(F.conv2d(x, w1, b1, padding=1))      # conv + bias + relu: one kernel
        h = F.max_pool2d(h, 2).reshape(16, -1)
        return F.cross_entropy(h @ w2 + b2, y)

    mnnx.debug.plan_cache_clear()
    for step in range(30):
        loss = loss_of(*params)
        grads = mnnx.grad(loss, params)
        with mnnx.no_grad():
            params = [mnnx.tensor(np.asarray(p - 0.5 * g), requires_grad=True) for p, g in zip(params, grads)]
        if step % 10 == 0 or step == 29:
            print(f"step {step:2d}: loss {float(loss):.4f}")
    info = mnnx.debug.plan_cache_info()
    print(f"plans built: {info.misses}, cache hits: {info.hits}")


if __name__ == "__main__":
    main()
