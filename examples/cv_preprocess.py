"""cv2-style image preprocessing for a network: decode, resize, normalize, batch.

mnnx.cv takes the numbers and names cv2 code already uses. On mnnx arrays the native resize is
followed by lazy ops that fuse into one pass over the small output."""
import numpy as np

import mnnx
import mnnx.cv as cv2          # a drop-in for the calls below
import mnnx.numpy as mnp

frame = (np.random.default_rng(0).integers(0, 256, (1080, 1920, 3))).astype(np.uint8)  # a BGR camera frame
ok, jpg = cv2.imencode(".jpg", frame)
img = cv2.imdecode(jpg, cv2.IMREAD_COLOR)                     # BGR uint8, like cv2

mean = mnp.asarray(np.array([0.485, 0.456, 0.406], np.float32))
std = mnp.asarray(np.array([0.229, 0.224, 0.225], np.float32))
rgb = cv2.cvtColor(cv2.resize(mnp.asarray(img), (224, 224)), cv2.COLOR_BGR2RGB)
batch = ((rgb.astype(mnp.float32) / 255 - mean) / std).transpose(2, 0, 1)[None]
del rgb                                                       # only the batch is wanted when realizing
mnnx.debug.explain(batch)                                     # one fused kernel after the resize
print(np.asarray(batch).shape)

blob = cv2.blobFromImage(img, 1 / 255, (224, 224), (0.485 * 255, 0.456 * 255, 0.406 * 255), swapRB=True)
print(blob.shape, blob.dtype)                                 # cv2.dnn.blobFromImage's result
