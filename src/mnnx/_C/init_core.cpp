// Bindings of the graph, realize and the engine's switches. Arguments arrive already checked and
// normalized by the Python face or are checked by core; nothing here decides semantics.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include <cstring>

#include "core/allocator.h"
#include "core/plan.h"
#include "core/threadpool.h"
#include "nn/conv.h"
#include "src/mnnx/_C/var.h"

namespace nb = nanobind;

namespace mnnx {

namespace {

DType dt_of(const std::string& c) {
  DType d;
  if (c.size() != 1 || !dtype_from_char(c[0], &d)) fail(ErrKind::TYPE, "data type '" + c + "' not understood by mnnx");
  return d;
}

std::vector<NodeP> nodes(const std::vector<const Var*>& vs) {
  std::vector<NodeP> r;
  for (auto* v : vs) r.push_back(v->node);
  return r;
}

DType dt_of_dlpack(nb::dlpack::dtype t) {
  using C = nb::dlpack::dtype_code;
  int bits = t.bits;
  if (t.lanes == 1) {
    if (t.code == uint8_t(C::Bool) && bits == 8) return DType::BOOL;
    if (t.code == uint8_t(C::Int)) {
      if (bits == 8) return DType::INT8;
      if (bits == 16) return DType::INT16;
      if (bits == 32) return DType::INT32;
      if (bits == 64) return DType::INT64;
    }
    if (t.code == uint8_t(C::UInt)) {
      if (bits == 8) return DType::UINT8;
      if (bits == 16) return DType::UINT16;
      if (bits == 32) return DType::UINT32;
      if (bits == 64) return DType::UINT64;
    }
    if (t.code == uint8_t(C::Float)) {
      if (bits == 16) return DType::FLOAT16;
      if (bits == 32) return DType::FLOAT32;
      if (bits == 64) return DType::FLOAT64;
    }
  }
  fail(ErrKind::TYPE, "unsupported array data type for mnnx");
}

nb::dlpack::dtype dlpack_of(DType d) {
  using C = nb::dlpack::dtype_code;
  nb::dlpack::dtype t;
  t.lanes = 1;
  t.bits = static_cast<uint8_t>(dtype_size(d) * 8);
  t.code = static_cast<uint8_t>(d == DType::BOOL ? C::Bool : is_float(d) ? C::Float : is_unsigned(d) ? C::UInt : C::Int);
  return t;
}

using AnyArray = nb::ndarray<nb::ro, nb::device::cpu>;

// Wrap an array's memory without copying; the array stays alive as long as any view of it.
Var from_array(AnyArray a) {
  DType dt = dt_of_dlpack(a.dtype());
  Shape shape(a.ndim()), strides(a.ndim());
  for (size_t i = 0; i < a.ndim(); ++i) {
    shape[i] = static_cast<int64_t>(a.shape(i));
    strides[i] = static_cast<int64_t>(a.stride(i));
  }
  auto buf = std::make_shared<Buffer>();
  buf->data = const_cast<void*>(a.data());
  buf->bytes = static_cast<size_t>(numel(shape)) * dtype_size(dt);
  buf->owner = std::shared_ptr<void>(new AnyArray(a), [](void* o) {
    nb::gil_scoped_acquire g;
    delete static_cast<AnyArray*>(o);
  });
  return Var(make_leaf(std::move(buf), dt, shape, strides, 0));
}

// A numpy array on the realized buffer (read-only unless asked: graph nodes are immutable); the
// capsule keeps the buffer alive.
nb::object to_numpy(const Var& v, bool writable) {
  if (!v.node->realized()) realize({v.node});
  const Node& n = *v.node;
  auto* keep = new std::shared_ptr<Buffer>(n.buf);
  nb::capsule owner(keep, [](void* p) noexcept { delete static_cast<std::shared_ptr<Buffer>*>(p); });
  std::vector<size_t> shape(n.shape.begin(), n.shape.end());
  std::vector<int64_t> strides(n.strides.begin(), n.strides.end());
  if (writable) {
    nb::ndarray<nb::numpy> arr(n.data_ptr(), n.shape.size(), shape.data(), owner, strides.data(), dlpack_of(n.dtype));
    return arr.cast();
  }
  nb::ndarray<nb::numpy, nb::ro> arr(n.data_ptr(), n.shape.size(), shape.data(), owner, strides.data(), dlpack_of(n.dtype));
  return arr.cast();
}

// Python operands of the arithmetic dunders: Vars and plain Python numbers (weak scalars) are
// converted here for speed; anything else goes through mnnx._tensor.operand.
nb::handle g_operand;  // a reference kept for the process's life (no teardown at exit)

bool to_node(nb::handle h, NodeP* out) {
  if (nb::isinstance<Var>(h)) {
    *out = nb::cast<const Var&>(h).node;
    return true;
  }
  PyObject* o = h.ptr();
  if (PyBool_Check(o)) {
    *out = make_scalar_i(o == Py_True, DType::BOOL, true);
    return true;
  }
  if (PyLong_CheckExact(o)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(o, &overflow);
    if (!overflow) {
      *out = make_scalar_i(v, DType::INT64, true);
      return true;
    }
  }
  if (PyFloat_CheckExact(o)) {
    *out = make_scalar_f(PyFloat_AS_DOUBLE(o), DType::FLOAT64, true);
    return true;
  }
  try {
    *out = nb::cast<const Var&>(g_operand(h)).node;
    return true;
  } catch (nb::python_error& e) {
    if (e.matches(PyExc_TypeError) || e.matches(PyExc_ValueError)) return false;
    throw;
  }
}

nb::handle g_complex;  // mnnx._tensor._complex_operand: numpy computes x * 1j (mnnx has no complex dtype)

template <Op OP, bool REFLECTED>
nb::object dunder(const Var& self, nb::handle other) {
  NodeP o;
  if (!to_node(other, &o)) {
    if (PyComplex_Check(other.ptr()) && g_complex.is_valid())
      return g_complex(op_name(OP), nb::cast(Var(self.node)), other, REFLECTED);
    return nb::borrow(Py_NotImplemented);
  }
  return nb::cast(Var(REFLECTED ? make_binary(OP, o, self.node) : make_binary(OP, self.node, o)));
}

nb::tuple shape_tuple(const Shape& s) {
  nb::list l;
  for (auto d : s) l.append(d);
  return nb::tuple(l);
}

}  // namespace

void init_core(nb::module_& m) {
  auto var = nb::class_<Var>(m, "Var", nb::dynamic_attr(), nb::is_weak_referenceable());
  var
      .def_prop_ro("shape", [](const Var& v) { return shape_tuple(v.node->shape); })
      .def_prop_ro("ndim", [](const Var& v) { return v.node->ndim(); })
      .def_prop_ro("size", [](const Var& v) { return v.node->size(); })
      .def_prop_ro("_dtype_char", [](const Var& v) { return std::string(1, dtype_char(v.node->dtype)); })
      .def_prop_ro("_realized", [](const Var& v) { return v.node->realized(); })
      .def_prop_ro("_op", [](const Var& v) { return std::string(op_name(v.node->op)); })
      .def_prop_ro("_strides", [](const Var& v) { return shape_tuple(v.node->strides); })
      .def("_rebind", [](Var& self, const Var& o) {  // setitem: this handle now names another node
        NodeP n = o.node;
        if (self.counted) {
          ++n->py_refs;
          --self.node->py_refs;
        }
        self.node = std::move(n);
      })
      .def("_handle", [](const Var& v) { return Var(v.node, false); })  // keeps v's node, unseen by realize
      .def("_same_node", [](const Var& a, const Var& b) { return a.node == b.node; })
      .def("_numpy", &to_numpy, nb::arg("writable") = false)
      .def("__len__", [](const Var& v) {
        if (v.node->ndim() == 0) fail(ErrKind::TYPE, "len() of unsized object");
        return v.node->shape[0];
      });

#define DUNDER(NAME, OP)                                       \
  var.def("__" NAME "__", &dunder<Op::OP, false>);              \
  var.def("__r" NAME "__", &dunder<Op::OP, true>);
  DUNDER("add", ADD) DUNDER("sub", SUB) DUNDER("mul", MUL) DUNDER("truediv", DIV) DUNDER("floordiv", FLOORDIV)
  DUNDER("mod", MOD) DUNDER("and", BITAND) DUNDER("or", BITOR) DUNDER("xor", BITXOR) DUNDER("lshift", LSHIFT)
  DUNDER("rshift", RSHIFT)
#undef DUNDER
  var.def("__eq__", &dunder<Op::EQ, false>);
  var.def("__ne__", &dunder<Op::NE, false>);
  var.def("__lt__", &dunder<Op::LT, false>);
  var.def("__le__", &dunder<Op::LE, false>);
  var.def("__gt__", &dunder<Op::GT, false>);
  var.def("__ge__", &dunder<Op::GE, false>);
  m.def("_set_operand", [](nb::object f) { g_operand = f.release(); });
  m.def("_set_complex_operand", [](nb::object f) { g_complex = f.release(); });
  m.def("from_array", &from_array, nb::arg("a"));
  m.def("empty", [](std::vector<int64_t> shape, const std::string& dt) { return Var(make_empty(dt_of(dt), shape)); });
  m.def("scalar_bool", [](bool v) { return Var(make_scalar_i(v, DType::BOOL, true)); });
  m.def("scalar_int", [](int64_t v) { return Var(make_scalar_i(v, DType::INT64, true)); });
  m.def("scalar_uint", [](uint64_t v) { return Var(make_scalar_u(v, DType::UINT64, true)); });
  m.def("scalar_huge_int", [](double v) { return Var(make_scalar_huge_int(v)); });
  m.def("scalar_float", [](double v) { return Var(make_scalar_f(v, DType::FLOAT64, true)); });
  m.def("full", [](double v, std::vector<int64_t> shape, const std::string& dt) {
    return Var(make_expand(make_scalar_f(v, dt_of(dt), false), shape));
  });
  m.def("full_int", [](int64_t v, std::vector<int64_t> shape, const std::string& dt) {
    return Var(make_expand(make_scalar_i(v, dt_of(dt), false), shape));
  });
  m.def("iota", [](std::vector<int64_t> shape, int axis, const std::string& dt) { return Var(make_iota(shape, axis, dt_of(dt))); });

  m.def("unary", [](int op, const Var& x) { return Var(make_unary(static_cast<Op>(op), x.node)); });
  m.def("binary", [](int op, const Var& a, const Var& b) { return Var(make_binary(static_cast<Op>(op), a.node, b.node)); });
  m.def("where", [](const Var& c, const Var& a, const Var& b) { return Var(make_where(c.node, a.node, b.node)); });
  m.def("cast", [](const Var& x, const std::string& dt) { return Var(make_cast(x.node, dt_of(dt))); });
  m.def("result_type", [](const Var& a, const Var& b) { return std::string(1, dtype_char(result_dtype(a.node, b.node))); });
  m.def("reduce", [](int op, const Var& x, std::vector<int64_t> axes, bool keepdims) {
    return Var(make_reduce(static_cast<Op>(op), x.node, axes, keepdims));
  });
  m.def("scan", [](int op, const Var& x, int64_t axis) { return Var(make_scan(static_cast<Op>(op), x.node, axis)); });
  m.def("rownorm", [](int op, const Var& x, const Var* w, const Var* b, double eps) {
    return Var(make_rownorm(static_cast<Op>(op), x.node, w ? w->node : nullptr, b ? b->node : nullptr, eps));
  }, nb::arg("op"), nb::arg("x"), nb::arg("w").none(), nb::arg("b").none(), nb::arg("eps"));
  m.def("reshape", [](const Var& x, std::vector<int64_t> s) { return Var(make_reshape(x.node, s)); });
  m.def("permute", [](const Var& x, std::vector<int64_t> p) { return Var(make_permute(x.node, p)); });
  m.def("expand", [](const Var& x, std::vector<int64_t> s) { return Var(make_expand(x.node, s)); });
  m.def("slice", [](const Var& x, std::vector<int64_t> start, std::vector<int64_t> step, std::vector<int64_t> shape) {
    return Var(make_slice(x.node, start, step, shape));
  });
  m.def("concat", [](std::vector<const Var*> xs, int64_t axis) { return Var(make_concat(nodes(xs), axis)); });
  m.def("matmul", [](const Var& a, const Var& b) { return Var(make_matmul(a.node, b.node)); });
  m.def("conv2d", [](const Var& x, const Var& w, std::vector<int64_t> args) { return Var(make_conv2d(x.node, w.node, args)); });
  m.def("conv_transpose2d", [](const Var& x, const Var& w, std::vector<int64_t> args) {
    return Var(make_conv_transpose2d(x.node, w.node, args));
  });
  m.def("copy", [](const Var& x) { return Var(make_copy(x.node)); });
  m.def("assign", [](const Var& x, const Var& v, std::vector<int64_t> start, std::vector<int64_t> step, std::vector<int64_t> shape) {
    return Var(make_assign(x.node, v.node, start, step, shape));
  });

  // MNN's placeholder.write: the node keeps its identity and takes new contents, so expressions
  // built on it and not yet computed read them.
  m.def("write", [](Var& v, nb::ndarray<nb::ro, nb::c_contig, nb::device::cpu> a) {
    Node& n = *v.node;
    if (!n.realized() || dt_of_dlpack(a.dtype()) != n.dtype || a.size() != static_cast<size_t>(n.size()))
      fail(ErrKind::VALUE, "write: the array must match the Var's shape " + shape_str(n.shape) + " and dtype " + dtype_name(n.dtype));
    auto buf = Buffer::allocate(a.nbytes());
    std::memcpy(buf->data, a.data(), a.nbytes());
    n.buf = std::move(buf);
    n.strides = contiguous_strides(n.shape);
    n.offset = 0;
  });
  m.def("realize", [](std::vector<const Var*> xs) { realize(nodes(xs)); });
  m.def("explain", [](std::vector<const Var*> xs) { return explain(nodes(xs)); });
  m.def("plan_cache_info", []() { auto c = plan_cache_info(); return std::make_tuple(c.hits, c.misses, c.plans); });
  m.def("plan_cache_clear", &plan_cache_clear);
  m.def("op_table", []() {
    nb::dict d;
    for (int i = 0; i < kNumOps; ++i) d[op_name(static_cast<Op>(i))] = i;
    return d;
  });
  m.def("set_num_threads", &set_num_threads);
  m.def("get_num_threads", &num_threads);
  m.def("isa", &isa_name);
  m.def("force_isa", [](const std::string& s) { force_isa(s.c_str()); plan_cache_clear(); });
  m.def("allocator_cached_bytes", &pool_cached_bytes);
  m.def("allocator_trim", &pool_trim);
}

}  // namespace mnnx
