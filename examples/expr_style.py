"""MNN.expr-style expressions on the same engine."""
import numpy as np

import mnnx.expr as F

w = F.const(np.linspace(-1, 1, 5, dtype=np.float32))
x = F.placeholder([2, 5], F.NCHW, F.float)

for batch in (np.arange(10, dtype=np.float32).reshape(2, 5) / 10, np.ones((2, 5), np.float32)):
    x.write(batch)                                   # MNN's placeholder habit
    probs = F.softmax(F.relu(x * w * 4.0), axis=-1)  # built lazily, computed by read()
    print(probs.read().round(3), F.reduce_sum(probs, [1]).read())
