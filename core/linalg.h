// Dense linear algebra on one row-major matrix at a time (callers loop over batches). No BLAS/LAPACK:
// blocked LU with partial pivoting whose trailing update is gemm_sub (the engine GEMM), Cholesky,
// Householder QR, Jacobi eigen (symmetric) and one-sided Jacobi SVD.
#pragma once
#include <cstdint>

namespace mnnx::la {

// While one is alive on a thread, gemm_sub runs single-threaded there (for callers already inside
// parallel_for, which must not nest).
struct SerialGemm {
  SerialGemm();
  ~SerialGemm();
};

// C[m,n] -= A[m,k] * B[k,n]; all row-major with leading dimensions. Multi-threaded when large.
void gemm_sub(int64_t m, int64_t n, int64_t k, const float* a, int64_t lda, const float* b, int64_t ldb, float* c,
              int64_t ldc);
void gemm_sub(int64_t m, int64_t n, int64_t k, const double* a, int64_t lda, const double* b, int64_t ldb, double* c,
              int64_t ldc);

// In-place LU (L unit lower, U upper) with row interchanges: row i was swapped with piv[i].
// Returns false if some pivot is exactly zero (the factorization still completes, as LAPACK's getrf).
template <class T> bool lu_factor(T* a, int64_t n, int64_t* piv);
// Solves A X = B in place (B is n x nrhs) given lu_factor's output.
template <class T> void lu_solve(const T* lu, const int64_t* piv, int64_t n, T* b, int64_t nrhs);
// Lower Cholesky in place (upper triangle zeroed); false if A is not positive definite.
template <class T> bool cholesky(T* a, int64_t n);
// Householder QR in place (LAPACK geqrf layout in row-major: R on and above the diagonal, the
// reflectors' tails below it); tau has min(m, n) entries.
template <class T> void qr_factor(T* a, int64_t m, int64_t n, T* tau);
// The first qc columns of Q (m x qc, qc <= m) from qr_factor's output.
template <class T> void qr_form_q(const T* a, int64_t m, int64_t n, const T* tau, T* q, int64_t qc);
// Symmetric eigen: a (n x n, full symmetric) is destroyed; w gets ascending eigenvalues and, when v is
// not null, v (n x n) the eigenvectors as columns. Returns false if the iteration did not converge.
// eigh_tridiagonal (Householder + implicit QL) is the fast one; eigh_jacobi handles non-finite input.
template <class T> bool eigh_tridiagonal(T* a, int64_t n, T* w, T* v);
template <class T> bool eigh_jacobi(T* a, int64_t n, T* w, T* v);
// Implicit QL on a symmetric tridiagonal matrix: d its diagonal, e[i] = T(i, i-1) for i >= 1 (e[0] is
// scratch). d gets the eigenvalues (unsorted); with vectors, the columns of v (column-major, n x n, on
// entry the accumulated transformation, e.g. I) are rotated along.
template <class T> bool tql2(T* v, int64_t n, T* d, T* e, bool vectors);
// Singular values only (descending): Householder bidiagonalization, then the eigenvalues of the
// Golub-Kahan tridiagonal [[0, B^T], [B, 0]] (which are +-s) by tql2. a is destroyed.
template <class T> bool svdvals(T* a, int64_t m, int64_t n, T* s);
// SVD of a (m x n, destroyed): s (min(m,n), descending); when u is not null, u is m x uc and vt is vc x n
// (uc = vc = min(m,n), or m and n for full matrices). Returns false if Jacobi did not converge.
template <class T> bool svd(T* a, int64_t m, int64_t n, T* s, T* u, int64_t uc, T* vt, int64_t vc);

}  // namespace mnnx::la
