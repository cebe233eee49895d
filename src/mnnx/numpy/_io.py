"""Files: numpy's own .npy/.npz and text formats (numpy's readers and writers do the parsing, so files are
interchangeable with numpy byte for byte). mnnx arrays are realized before writing; what is read comes
back as mnnx arrays, except dtypes mnnx cannot hold (complex, strings, objects, structured), which come
back as the numpy arrays numpy would return. A memory-mapped load (mmap_mode) is wrapped without a copy."""
import numpy as _np

from .._tensor import Var, _CHAR, asarray as _wrap

__all__ = ["save", "load", "savez", "savez_compressed", "savetxt", "loadtxt"]


def _host(x):
    return _np.asarray(x) if isinstance(x, Var) else x


def _maybe_wrap(a):
    if isinstance(a, _np.ndarray) and a.dtype.char in _CHAR and a.dtype.isnative:
        return _wrap(a)
    return a


def save(file, arr, allow_pickle=True, **kwargs):
    _np.save(file, _host(arr), allow_pickle=allow_pickle, **kwargs)


def savez(file, *args, allow_pickle=True, **kwds):
    _np.savez(file, *[_host(a) for a in args], allow_pickle=allow_pickle, **{k: _host(v) for k, v in kwds.items()})


def savez_compressed(file, *args, allow_pickle=True, **kwds):
    _np.savez_compressed(file, *[_host(a) for a in args], allow_pickle=allow_pickle,
                         **{k: _host(v) for k, v in kwds.items()})


class NpzFile:
    """numpy's NpzFile (a lazy mapping of the archive's arrays) whose items are mnnx arrays."""

    def __init__(self, npz):
        self._npz = npz
        self.files = npz.files

    def __getitem__(self, key):
        return _maybe_wrap(self._npz[key])

    def __contains__(self, key):
        return key in self._npz

    def __iter__(self):
        return iter(self._npz)

    def __len__(self):
        return len(self._npz)

    def keys(self):
        return self._npz.keys()

    def values(self):
        return [self[k] for k in self.files]

    def items(self):
        return [(k, self[k]) for k in self.files]

    def get(self, key, default=None):
        return self[key] if key in self._npz else default

    def close(self):
        self._npz.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return repr(self._npz).replace("NpzFile", "mnnx NpzFile", 1)


def load(file, mmap_mode=None, allow_pickle=False, fix_imports=True, encoding="ASCII", **kwargs):
    r = _np.load(file, mmap_mode=mmap_mode, allow_pickle=allow_pickle, fix_imports=fix_imports, encoding=encoding,
                 **kwargs)
    if isinstance(r, _np.lib.npyio.NpzFile):
        return NpzFile(r)
    return _maybe_wrap(r)


def savetxt(fname, X, fmt="%.18e", delimiter=" ", newline="\n", header="", footer="", comments="# ",
            encoding=None):
    _np.savetxt(fname, _host(X), fmt=fmt, delimiter=delimiter, newline=newline, header=header, footer=footer,
                comments=comments, encoding=encoding)


def loadtxt(fname, dtype=float, comments="#", delimiter=None, converters=None, skiprows=0, usecols=None,
            unpack=False, ndmin=0, encoding=None, max_rows=None, *, quotechar=None):
    r = _np.loadtxt(fname, dtype=dtype, comments=comments, delimiter=delimiter, converters=converters,
                    skiprows=skiprows, usecols=usecols, unpack=unpack, ndmin=ndmin, encoding=encoding,
                    max_rows=max_rows, quotechar=quotechar)
    if isinstance(r, (list, tuple)):  # unpack of a structured dtype: one array per field
        return [_maybe_wrap(a) for a in r]
    return _maybe_wrap(r)
