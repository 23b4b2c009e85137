/*
 * Experiment only (not part of any package): C = op(A)·op(B) in float64 and float32 as an N-API addon
 * with AVX-512 multiply-then-add (no FMA: compiled with -ffp-contract=off), so each C[i][j] is
 * ((0 + A[i,0]B[0,j]) + A[i,1]B[1,j]) + … in ascending p, the same bits as tapegrad's wasm kernel.
 * Tile: 4 rows × NV vectors (float64: 5 × 8 = 40 columns, 20 accumulators + 5 B vectors + 1 splat in
 * 32 zmm; float32: 3 × 16 = 48 columns). k runs in blocks of KC (B's block stays in L1); the partial
 * sums are carried through C, which keeps the order.
 */
#include <node_api.h>
#include <immintrin.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#define MR 4
#ifndef KC
#define KC 128
#endif

/*
 * One dtype: its tile and its driver. SUFFIX names the functions; T the element, V/M the vector and mask
 * types, L lanes per vector, NV vectors per tile row; then the dtype's AVX-512 intrinsics.
 */
#define DEFINE_GEMM(SUFFIX, T, V, M, L, NV, LOAD, STORE, SET1, ADD, MUL, ZERO)                                   \
  static void tile_##SUFFIX(const T *a, int64_t ai, int64_t ap, const T *b, int64_t ldb, T *c, int64_t ldc,     \
                            int rows, int cols, int k, bool accumulate) {                                       \
    V acc[MR][NV];                                                                                              \
    M mask[NV];                                                                                                 \
    for (int v = 0; v < NV; v++) {                                                                              \
      int left = cols - v * L;                                                                                  \
      mask[v] = left >= L ? (M)~0u : left <= 0 ? 0 : (M)((1u << left) - 1);                                     \
      for (int r = 0; r < MR; r++)                                                                              \
        acc[r][v] = accumulate && r < rows ? LOAD(mask[v], c + (int64_t)r * ldc + v * L) : ZERO();              \
    }                                                                                                           \
    /* Rows past the edge repeat the last row; their sums are never stored. */                                 \
    const T *arow[MR];                                                                                          \
    for (int r = 0; r < MR; r++) arow[r] = a + (int64_t)(r < rows ? r : rows - 1) * ai;                         \
    for (int p = 0; p < k; p++) {                                                                               \
      V bv[NV];                                                                                                 \
      for (int v = 0; v < NV; v++) bv[v] = LOAD(mask[v], b + (int64_t)p * ldb + v * L);                         \
      for (int r = 0; r < MR; r++) {                                                                            \
        V s = SET1(arow[r][(int64_t)p * ap]);                                                                   \
        for (int v = 0; v < NV; v++) acc[r][v] = ADD(acc[r][v], MUL(s, bv[v]));                                 \
      }                                                                                                         \
    }                                                                                                           \
    for (int r = 0; r < rows; r++)                                                                              \
      for (int v = 0; v < NV; v++)                                                                              \
        if (mask[v]) STORE(c + (int64_t)r * ldc + v * L, mask[v], acc[r][v]);                                   \
  }                                                                                                             \
                                                                                                                \
  static T *scratch_##SUFFIX = NULL;                                                                            \
  static size_t scratch_len_##SUFFIX = 0;                                                                       \
                                                                                                                \
  static bool gemm_##SUFFIX(const T *a, const T *b, T *c, int m, int k, int n, bool ta, bool tb) {              \
    const T *bb = b;                                                                                            \
    if (tb) { /* B as k×n rows: a transposed B is copied once into scratch */                                  \
      size_t need = (size_t)k * n;                                                                              \
      if (need > scratch_len_##SUFFIX) {                                                                        \
        T *grown = realloc(scratch_##SUFFIX, need * sizeof(T));                                                 \
        if (grown == NULL) return false;                                                                        \
        scratch_##SUFFIX = grown;                                                                               \
        scratch_len_##SUFFIX = need;                                                                            \
      }                                                                                                         \
      for (int p = 0; p < k; p++)                                                                               \
        for (int j = 0; j < n; j++) scratch_##SUFFIX[(size_t)p * n + j] = b[(size_t)j * k + p];                 \
      bb = scratch_##SUFFIX;                                                                                    \
    }                                                                                                           \
    int64_t ai = ta ? 1 : k, ap = ta ? m : 1;                                                                   \
    for (int p0 = 0; p0 < k; p0 += KC) {                                                                        \
      int kc = k - p0 < KC ? k - p0 : KC;                                                                       \
      for (int j = 0; j < n; j += NV * L) {                                                                     \
        int cols = n - j < NV * L ? n - j : NV * L;                                                             \
        for (int i = 0; i < m; i += MR) {                                                                       \
          int rows = m - i < MR ? m - i : MR;                                                                   \
          tile_##SUFFIX(a + (int64_t)i * ai + (int64_t)p0 * ap, ai, ap, bb + (int64_t)p0 * n + j, n,            \
                        c + (int64_t)i * n + j, n, rows, cols, kc, p0 > 0);                                     \
        }                                                                                                       \
      }                                                                                                         \
    }                                                                                                           \
    return true;                                                                                                \
  }

DEFINE_GEMM(f64, double, __m512d, __mmask8, 8, 5, _mm512_maskz_loadu_pd, _mm512_mask_storeu_pd, _mm512_set1_pd,
            _mm512_add_pd, _mm512_mul_pd, _mm512_setzero_pd)
DEFINE_GEMM(f32, float, __m512, __mmask16, 16, 3, _mm512_maskz_loadu_ps, _mm512_mask_storeu_ps, _mm512_set1_ps,
            _mm512_add_ps, _mm512_mul_ps, _mm512_setzero_ps)

static void *data_of(napi_env env, napi_value v, napi_typedarray_type *type) {
  size_t len, off;
  void *data;
  napi_value buf;
  if (napi_get_typedarray_info(env, v, type, &len, &data, &buf, &off) != napi_ok) return NULL;
  return *type == napi_float64_array || *type == napi_float32_array ? data : NULL;
}

/* gemm(a, aOffset, b, bOffset, out, outOffset, m, k, n, transA, transB) → true, or false if it declined. */
static napi_value gemm(napi_env env, napi_callback_info info) {
  size_t argc = 11;
  napi_value argv[11], result;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_typedarray_type t0, t1, t2;
  int32_t ao, bo, co, m, k, n;
  bool ta, tb, done = false;
  void *a = data_of(env, argv[0], &t0), *b = data_of(env, argv[2], &t1), *c = data_of(env, argv[4], &t2);
  napi_get_value_int32(env, argv[1], &ao);
  napi_get_value_int32(env, argv[3], &bo);
  napi_get_value_int32(env, argv[5], &co);
  napi_get_value_int32(env, argv[6], &m);
  napi_get_value_int32(env, argv[7], &k);
  napi_get_value_int32(env, argv[8], &n);
  napi_get_value_bool(env, argv[9], &ta);
  napi_get_value_bool(env, argv[10], &tb);
  if (a != NULL && b != NULL && c != NULL && t0 == t1 && t1 == t2 && m > 0 && k > 0 && n > 0) {
    done = t0 == napi_float64_array
      ? gemm_f64((double *)a + ao, (double *)b + bo, (double *)c + co, m, k, n, ta, tb)
      : gemm_f32((float *)a + ao, (float *)b + bo, (float *)c + co, m, k, n, ta, tb);
  }
  napi_get_boolean(env, done, &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "gemm", NAPI_AUTO_LENGTH, gemm, NULL, &fn);
  napi_set_named_property(env, exports, "gemm", fn);
  return exports;
}
