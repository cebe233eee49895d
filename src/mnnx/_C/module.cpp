// mnnx._C: thin bindings. Native errors become Python exceptions here and only here.
#include <nanobind/nanobind.h>

#include "core/errors.h"
#include "core/plan.h"

namespace nb = nanobind;

namespace mnnx {
void init_core(nb::module_& m);
void init_nn(nb::module_& m);
void init_autograd(nb::module_& m);
void init_la(nb::module_& m);
void init_cv(nb::module_& m);
void init_cv_filters(nb::module_& m);
void init_np7(nb::module_& m);
}

NB_MODULE(_C, m) {
  static nb::object axis_error = nb::module_::import_("numpy").attr("exceptions").attr("AxisError");
  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const mnnx::Error& e) {
      PyObject* t = PyExc_RuntimeError;
      switch (e.kind) {
        case mnnx::ErrKind::VALUE: t = PyExc_ValueError; break;
        case mnnx::ErrKind::TYPE: t = PyExc_TypeError; break;
        case mnnx::ErrKind::INDEX: t = PyExc_IndexError; break;
        case mnnx::ErrKind::AXIS: t = axis_error.ptr(); break;
        case mnnx::ErrKind::OVERFLOW: t = PyExc_OverflowError; break;
        case mnnx::ErrKind::MEMORY: t = PyExc_MemoryError; break;
        default: break;
      }
      PyErr_SetString(t, e.what());
    } catch (const std::bad_alloc&) {
      PyErr_SetString(PyExc_MemoryError, "out of memory");
    }
  });
  mnnx::run_unlocked = [](void (*fn)(void*), void* ctx) {
    nb::gil_scoped_release unlocked;
    fn(ctx);
  };
  mnnx::init_core(m);
  mnnx::init_nn(m);
  mnnx::init_autograd(m);
  mnnx::init_la(m);
  mnnx::init_cv(m);
  mnnx::init_cv_filters(m);
  mnnx::init_np7(m);
}
