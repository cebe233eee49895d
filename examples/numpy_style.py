"""Numpy-style scripting: change the import, keep the code; the graph is fused when printed."""
import numpy as np

import mnnx
import mnnx.numpy as mnp

x = mnp.linspace(-3, 3, 7, dtype=mnp.float32)
y = mnp.where(x > 0, mnp.sqrt(mnp.abs(x)), mnp.exp(x)) * 2 - 1   # lazy: nothing computed yet
mnnx.debug.explain(y)                                           # one fused kernel
print(y)

grid = mnp.arange(12.0).reshape(3, 4)
grid[1, ::2] = -1                                               # rebinds `grid` to the updated value
print(grid.mean(axis=0), grid.argmax(axis=1))
print(np.asarray(grid.T))                                       # a zero-copy, read-only numpy view
