"""Python protocols on mnnx arrays: pickle, copy and deepcopy behave as numpy's (copies of the values)."""
import copy
import pickle

import numpy as np

import mnnx
import mnnx.numpy as mnp


def test_pickle_round_trips_values_and_dtype():
    for x in (mnp.arange(5), mnp.ones((2, 3), dtype=mnp.float32), mnp.arange(6.0)[1::2]):
        y = pickle.loads(pickle.dumps(x))
        assert y.dtype == x.dtype and y.shape == x.shape
        np.testing.assert_array_equal(np.asarray(y), np.asarray(x))


def test_copies_do_not_share_data():
    x = mnp.arange(5.0)
    v = x[1:]
    for c in (copy.copy(v), copy.deepcopy(v), pickle.loads(pickle.dumps(v))):
        c[0] = 100.0
        assert x.tolist() == [0.0, 1, 2, 3, 4]
    d = copy.deepcopy({"a": x, "b": [x]})
    assert d["a"] is d["b"][0]


def test_deepcopy_of_a_parameter_is_a_parameter():
    w = mnnx.tensor(np.ones(3), requires_grad=True)
    w2 = copy.deepcopy(w)
    assert w2.requires_grad and w2.is_leaf and w2 is not w
