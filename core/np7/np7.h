// Eager kernels behind mnnx.numpy's advanced indexing, sorting, sets and a few misc functions.
// Callers (the Python face) check shapes and dtypes; these check index values, which only they see.
#pragma once
#include <cstdint>
#include <vector>

namespace mnnx::np7 {

// ---- indexing (index.cpp) ----
// One advanced index over a (merged) dim of size n, contributing idx * stride to the flat row index;
// axis names the dim in the IndexError message.
struct IndexTerm {
  const int64_t* idx;
  int64_t n, stride, axis;
};
// Sum of the terms' normalized indices (m of them, all broadcast to m already); IndexError if any is out of range.
void ravel_index(const std::vector<IndexTerm>& terms, int64_t m, int64_t* out);
// out[i] = src[idx[i]] (rows of row_bytes). idx may be negative; checked against n_rows.
void gather_rows(const char* src, int64_t n_rows, int64_t row_bytes, const int64_t* idx, int64_t m, int64_t axis,
                 char* out);
// dst = src with dst[idx[i]] = val[i] (val_step 0: the same row every time); the last write wins.
void scatter_rows(const char* src, char* dst, int64_t n_rows, int64_t row_bytes, const int64_t* idx, int64_t m,
                  int64_t axis, const char* val, int64_t val_step);
// Boolean-mask forms of gather/scatter over rows (mask bytes are 0 or 1): no index array is built.
int64_t count_mask(const uint8_t* mask, int64_t n);
void compress_rows(const char* src, const uint8_t* mask, int64_t n_rows, int64_t row_bytes, char* out);
// dst = src with the masked rows replaced, in order, by val rows (val_step 0: the same row each time).
void masked_assign(const char* src, char* dst, const uint8_t* mask, int64_t n_rows, int64_t row_bytes, const char* val,
                   int64_t val_step);
// Positions of nonzero bytes-elements (itemsize bytes each) in C order.
std::vector<int64_t> flatnonzero(const char* data, int64_t n, int64_t itemsize);

// ---- sorting (sort.cpp) ----
// type chars as the engine's: ? b h i l B H I L e f d
// Sorts each of `rows` rows of length n in place (stable; NaNs last).
void sort_rows(char type, void* data, int64_t rows, int64_t n);
// out (rows x n, int64) = stable argsort of each row.
void argsort_rows(char type, const void* data, int64_t rows, int64_t n, int64_t* out);
// numpy's partition contract per row: each kth (sorted, non-negative) element in its sorted place,
// no larger one before it, no smaller one after (introselect, O(n)); argpartition writes indices.
void partition_rows(char type, void* data, int64_t rows, int64_t n, const std::vector<int64_t>& kth);
void argpartition_rows(char type, const void* data, int64_t rows, int64_t n, const std::vector<int64_t>& kth,
                       int64_t* out);
// For each of m values v: the insertion point in sorted a (length n), left or right; perm (optional) is a sorter.
void searchsorted(char type, const void* a, int64_t n, const int64_t* perm, const void* v, int64_t m, bool right,
                  int64_t* out);
// Runs of equal values in sorted data (NaNs equal): starts of runs (k of them) -> start[], returns k.
int64_t run_starts(char type, const void* sorted, int64_t n, int64_t* start);

// ---- misc (misc.cpp) ----
// out[k] = sum_j a[k + j + lo] * v[j] over valid positions, k in [0, nout); T: f d l
void correlate(char type, const void* a, int64_t na, const void* v, int64_t nv, int64_t lo, int64_t nout, void* out);
// piecewise-linear interpolation (numpy.interp) in double
void interp(const double* x, int64_t m, const double* xp, const double* fp, int64_t n, double left, double right,
            double* out);
// counts (or weight sums) of nonnegative int64 values x into out[0..nbins)
void bincount(const int64_t* x, int64_t n, const double* w, int64_t nbins, double* out_w, int64_t* out_c);

}  // namespace mnnx::np7
