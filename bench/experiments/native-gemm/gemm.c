/*
 * Experiment only (not part of any package): the float64 product C = op(A)·op(B) as an N-API addon
 * with AVX-512 multiply-then-add (no FMA: compiled with -ffp-contract=off), so each C[i][j] is
 * ((0 + A[i,0]B[0,j]) + A[i,1]B[1,j]) + … in ascending p, the same bits as tapegrad's wasm kernel.
 * Tile: 4 rows × 5 vectors of 8 doubles (40 columns; 20 accumulators + 5 B vectors + 1 splat in 32 zmm).
 */
#include <node_api.h>
#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MR 4
#define NV 5
#ifndef KC
#define KC 96
#endif

static double *scratch = NULL;
static size_t scratch_len = 0;

static void tile(const double *a, int64_t ai, int64_t ap, const double *b, int64_t ldb, double *c, int64_t ldc,
                 int rows, int cols, int k, int accumulate) {
  __m512d acc[MR][NV];
  __mmask8 mask[NV];
  for (int v = 0; v < NV; v++) {
    int left = cols - v * 8;
    mask[v] = left >= 8 ? 0xFF : left <= 0 ? 0 : (__mmask8)((1u << left) - 1);
    for (int r = 0; r < MR; r++)
      acc[r][v] = accumulate && r < rows ? _mm512_maskz_loadu_pd(mask[v], c + (int64_t)r * ldc + v * 8) : _mm512_setzero_pd();
  }
  const double *arow[MR];
  for (int r = 0; r < MR; r++) arow[r] = a + (int64_t)(r < rows ? r : rows - 1) * ai;
  for (int p = 0; p < k; p++) {
    __m512d bv[NV];
    for (int v = 0; v < NV; v++) bv[v] = _mm512_maskz_loadu_pd(mask[v], b + (int64_t)p * ldb + v * 8);
    for (int r = 0; r < MR; r++) {
      __m512d s = _mm512_set1_pd(arow[r][(int64_t)p * ap]);
      for (int v = 0; v < NV; v++) acc[r][v] = _mm512_add_pd(acc[r][v], _mm512_mul_pd(s, bv[v]));
    }
  }
  for (int r = 0; r < rows; r++)
    for (int v = 0; v < NV; v++) if (mask[v]) _mm512_mask_storeu_pd(c + (int64_t)r * ldc + v * 8, mask[v], acc[r][v]);
}


#define NV32 3
static void tile32(const float *a, int64_t ai, int64_t ap, const float *b, int64_t ldb, float *c, int64_t ldc,
                   int rows, int cols, int k, int accumulate) {
  __m512 acc[MR][NV32];
  __mmask16 mask[NV32];
  for (int v = 0; v < NV32; v++) {
    int left = cols - v * 16;
    mask[v] = left >= 16 ? 0xFFFF : left <= 0 ? 0 : (__mmask16)((1u << left) - 1);
    for (int r = 0; r < MR; r++)
      acc[r][v] = accumulate && r < rows ? _mm512_maskz_loadu_ps(mask[v], c + (int64_t)r * ldc + v * 16) : _mm512_setzero_ps();
  }
  const float *arow[MR];
  for (int r = 0; r < MR; r++) arow[r] = a + (int64_t)(r < rows ? r : rows - 1) * ai;
  for (int p = 0; p < k; p++) {
    __m512 bv[NV32];
    for (int v = 0; v < NV32; v++) bv[v] = _mm512_maskz_loadu_ps(mask[v], b + (int64_t)p * ldb + v * 16);
    for (int r = 0; r < MR; r++) {
      __m512 s = _mm512_set1_ps(arow[r][(int64_t)p * ap]);
      for (int v = 0; v < NV32; v++) acc[r][v] = _mm512_add_ps(acc[r][v], _mm512_mul_ps(s, bv[v]));
    }
  }
  for (int r = 0; r < rows; r++)
    for (int v = 0; v < NV32; v++) if (mask[v]) _mm512_mask_storeu_ps(c + (int64_t)r * ldc + v * 16, mask[v], acc[r][v]);
}

static float *scratch32 = NULL;
static size_t scratch32_len = 0;

static void gemm32(const float *a, const float *b, float *c, int m, int k, int n, bool ta, bool tb) {
  const float *bb = b;
  if (tb) {
    size_t need = (size_t)k * n;
    if (need > scratch32_len) { free(scratch32); scratch32 = malloc(need * sizeof(float)); scratch32_len = need; }
    for (int p = 0; p < k; p++) for (int j = 0; j < n; j++) scratch32[(size_t)p * n + j] = b[(size_t)j * k + p];
    bb = scratch32;
  }
  int64_t ai = ta ? 1 : k, ap = ta ? m : 1;
  for (int p0 = 0; p0 < k; p0 += KC) {
    int kc = k - p0 < KC ? k - p0 : KC;
    for (int j = 0; j < n; j += NV32 * 16) {
      int cols = n - j < NV32 * 16 ? n - j : NV32 * 16;
      for (int i = 0; i < m; i += MR) {
        int rows = m - i < MR ? m - i : MR;
        tile32(a + (int64_t)i * ai + (int64_t)p0 * ap, ai, ap, bb + (int64_t)p0 * n + j, n, c + (int64_t)i * n + j, n, rows, cols, kc, p0 > 0);
      }
    }
  }
}

static void *data_of(napi_env env, napi_value v, size_t *len, napi_typedarray_type *type) {
  void *data; napi_value buf; size_t off;
  if (napi_get_typedarray_info(env, v, type, len, &data, &buf, &off) != napi_ok) return NULL;
  return *type == napi_float64_array || *type == napi_float32_array ? data : NULL;
}

/* gemm(a, aOffset, b, bOffset, out, outOffset, m, k, n, transA, transB) → true (float64 only) */
static napi_value gemm(napi_env env, napi_callback_info info) {
  size_t argc = 11; napi_value argv[11]; napi_value result;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  size_t la, lb, lc; int32_t ao, bo, co, m, k, n; bool ta, tb;
  napi_typedarray_type t0, t1, t2;
  void *av = data_of(env, argv[0], &la, &t0), *bv = data_of(env, argv[2], &lb, &t1), *cv = data_of(env, argv[4], &lc, &t2);
  napi_get_value_int32(env, argv[1], &ao); napi_get_value_int32(env, argv[3], &bo); napi_get_value_int32(env, argv[5], &co);
  napi_get_value_int32(env, argv[6], &m); napi_get_value_int32(env, argv[7], &k); napi_get_value_int32(env, argv[8], &n);
  napi_get_value_bool(env, argv[9], &ta); napi_get_value_bool(env, argv[10], &tb);
  if (av == NULL || bv == NULL || cv == NULL || t0 != t1 || t1 != t2 || m <= 0 || k <= 0 || n <= 0) { napi_get_boolean(env, false, &result); return result; }
  if (t0 == napi_float32_array) {
    gemm32((float *)av + ao, (float *)bv + bo, (float *)cv + co, m, k, n, ta, tb);
    napi_get_boolean(env, true, &result);
    return result;
  }
  double *a = (double *)av + ao, *b = (double *)bv + bo, *c = (double *)cv + co;
  /* B as k×n rows (a transposed B is copied once into scratch). */
  const double *bb = b;
  if (tb) {
    size_t need = (size_t)k * n;
    if (need > scratch_len) { free(scratch); scratch = malloc(need * sizeof(double)); scratch_len = need; }
    for (int p = 0; p < k; p++) for (int j = 0; j < n; j++) scratch[(size_t)p * n + j] = b[(size_t)j * k + p];
    bb = scratch;
  }
  int64_t ai = ta ? 1 : k, ap = ta ? m : 1;
  /* NOTE: k in blocks of KC (B's block stays in L1); the partial sums are carried through C, which keeps the order. */
  for (int p0 = 0; p0 < k; p0 += KC) {
    int kc = k - p0 < KC ? k - p0 : KC;
    for (int j = 0; j < n; j += NV * 8) {
      int cols = n - j < NV * 8 ? n - j : NV * 8;
      for (int i = 0; i < m; i += MR) {
        int rows = m - i < MR ? m - i : MR;
        tile(a + (int64_t)i * ai + (int64_t)p0 * ap, ai, ap, bb + (int64_t)p0 * n + j, n, c + (int64_t)i * n + j, n, rows, cols, kc, p0 > 0);
      }
    }
  }
  napi_get_boolean(env, true, &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "gemm", NAPI_AUTO_LENGTH, gemm, NULL, &fn);
  napi_set_named_property(env, exports, "gemm", fn);
  return exports;
}
