// A 1x1 convolution followed by batch norm and ReLU6 in training (an MBConv expansion), as
// Aviary runs it (sgemm, then Swift passes over the whole [M, O] result) against two tiled
// variants that keep each tile of rows in cache:
//   backward: the batch norm's input gradient computed a tile at a time and handed straight to the
//             convolution's backward-data and backward-weights sgemm (per-thread weight gradient);
//   recompute: the convolution's result never stored: each pass (statistics, normalisation,
//              gradient sums, input gradient) recomputes its tile with a one-thread sgemm.
// Two threads, best of 9. Arguments: side, input channels, output channels, tile rows (batch 32).
//
//   gcc -O3 -march=native -fopenmp -o /tmp/pointwise_batchnorm_tiles pointwise_batchnorm_tiles.c -ldnnl -lm
//   for s in "56 16 96" "28 24 144" "28 144 24" "14 80 480"; do /tmp/pointwise_batchnorm_tiles $s 512; done
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <dnnl.h>

#define MAXC 4096
static int O, C;
static long M, T;
static float mean[MAXC], scale[MAXC], shift[MAXC], a[MAXC], b[MAXC], k[MAXC];
static double S1[2][MAXC], S2[2][MAXC];

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static inline float relu6(float v) { v = v < 0 ? 0 : v; return v > 6 ? 6 : v; }

static void statistics(const float *y, long n, double *s1, double *s2) {
    float f1[MAXC] = {0}, f2[MAXC] = {0};
    for (long r = 0; r < n; r++)
        for (int j = 0; j < O; j++) { float v = y[r * O + j]; f1[j] += v; f2[j] += v * v; }
    for (int j = 0; j < O; j++) { s1[j] += f1[j]; s2[j] += f2[j]; }
}

static void finishStatistics(void) {
    for (int j = 0; j < O; j++) {
        double m = (S1[0][j] + S1[1][j]) / M, v = (S2[0][j] + S2[1][j]) / M - m * m;
        mean[j] = m; scale[j] = 1 / sqrtf(v + 1e-5f); shift[j] = -m * scale[j];
    }
}

static void normalize(const float *y, float *out, long n) {
    for (long r = 0; r < n; r++)
        for (int j = 0; j < O; j++) out[r * O + j] = relu6(y[r * O + j] * scale[j] + shift[j]);
}

static void gradientSums(const float *y, const float *dy, long n, double *s1, double *s2) {
    float f1[MAXC] = {0}, f2[MAXC] = {0};
    for (long r = 0; r < n; r++)
        for (int j = 0; j < O; j++) {
            float v = y[r * O + j], z = v * scale[j] + shift[j], g = (z > 0 && z < 6) ? dy[r * O + j] : 0;
            f1[j] += g; f2[j] += g * (v - mean[j]);
        }
    for (int j = 0; j < O; j++) { s1[j] += f1[j]; s2[j] += f2[j]; }
}

static void finishGradientSums(void) {
    for (int j = 0; j < O; j++) {
        double inv = scale[j], sum = S1[0][j] + S1[1][j], centered = (S2[0][j] + S2[1][j]) * inv;
        a[j] = inv; b[j] = -inv * inv * centered / M; k[j] = -inv * sum / M;
    }
}

static void inputGradient(const float *y, const float *dy, float *dx, long n) {
    for (long r = 0; r < n; r++)
        for (int j = 0; j < O; j++) {
            float v = y[r * O + j], z = v * scale[j] + shift[j], g = (z > 0 && z < 6) ? dy[r * O + j] : 0;
            dx[r * O + j] = a[j] * g + b[j] * (v - mean[j]) + k[j];
        }
}

// Each of two threads takes a contiguous run of whole tiles.
#define TILES(body) _Pragma("omp parallel num_threads(2)") { \
    int th = omp_get_thread_num(); long per = (M / T + 1) / 2 * T, lo = th * per, hi = lo + per < M ? lo + per : M; \
    for (long t0 = lo; t0 < hi; t0 += T) { long n = hi - t0 < T ? hi - t0 : T; body } }

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: %s side in out [tile]\n", argv[0]); return 2; }
    long side = atol(argv[1]);
    C = atoi(argv[2]); O = atoi(argv[3]); T = argc > 4 ? atol(argv[4]) : 512; M = 32 * side * side;
    if (O > MAXC) return 2;
    float *x = aligned_alloc(64, 4 * M * C), *w = malloc(4 * O * C), *y = aligned_alloc(64, 4 * M * O), *out = aligned_alloc(64, 4 * M * O);
    float *dout = aligned_alloc(64, 4 * M * O), *dy = aligned_alloc(64, 4 * M * O), *dx = aligned_alloc(64, 4 * M * C);
    float *dw = malloc(4 * O * C), *partial = malloc(8 * O * C), *tile[2], *tile2[2];
    for (int t = 0; t < 2; t++) { tile[t] = aligned_alloc(64, 4 * T * O); tile2[t] = aligned_alloc(64, 4 * T * O); }
    for (long j = 0; j < M * C; j++) x[j] = ((j * 7919) % 13) * 0.1f - 0.6f;
    for (long j = 0; j < O * C; j++) w[j] = ((j * 31) % 11) * 0.05f - 0.25f;
    for (long j = 0; j < M * O; j++) dout[j] = ((j * 17) % 5) * 0.1f - 0.2f;
    double whole[2] = {1e9, 1e9}, tiledBackward = 1e9, recompute[2] = {1e9, 1e9};
    for (int rep = 0; rep < 9; rep++) {
        // As Aviary does it: the whole result materialised between passes.
        double t = now();
        dnnl_sgemm('N', 'T', M, O, C, 1, x, C, w, C, 0, y, O);
        memset(S1, 0, sizeof S1); memset(S2, 0, sizeof S2);
        TILES(statistics(y + t0 * O, n, S1[th], S2[th]);)
        finishStatistics();
        TILES(normalize(y + t0 * O, out + t0 * O, n);)
        double t1 = now();
        memset(S1, 0, sizeof S1); memset(S2, 0, sizeof S2);
        TILES(gradientSums(y + t0 * O, dout + t0 * O, n, S1[th], S2[th]);)
        finishGradientSums();
        TILES(inputGradient(y + t0 * O, dout + t0 * O, dy + t0 * O, n);)
        dnnl_sgemm('N', 'N', M, C, O, 1, dy, O, w, C, 0, dx, C);
        dnnl_sgemm('T', 'N', O, C, M, 1, dy, O, x, C, 0, dw, C);
        double t2 = now();
        if (t1 - t < whole[0]) whole[0] = t1 - t;
        if (t2 - t1 < whole[1]) whole[1] = t2 - t1;
        // Backward in tiles: the input gradient never leaves the cache.
        t = now();
        memset(S1, 0, sizeof S1); memset(S2, 0, sizeof S2);
        TILES(gradientSums(y + t0 * O, dout + t0 * O, n, S1[th], S2[th]);)
        finishGradientSums();
        memset(partial, 0, 8 * O * C);
        TILES(inputGradient(y + t0 * O, dout + t0 * O, tile[th], n);
              dnnl_sgemm('N', 'N', n, C, O, 1, tile[th], O, w, C, 0, dx + t0 * C, C);
              dnnl_sgemm('T', 'N', O, C, n, 1, tile[th], O, x + t0 * C, C, 1, partial + th * O * C, C);)
        for (long j = 0; j < O * C; j++) dw[j] = partial[j] + partial[O * C + j];
        t = now() - t;
        if (t < tiledBackward) tiledBackward = t;
        // Recomputed: the convolution's result is never stored.
        t = now();
        memset(S1, 0, sizeof S1); memset(S2, 0, sizeof S2);
        TILES(dnnl_sgemm('N', 'T', n, O, C, 1, x + t0 * C, C, w, C, 0, tile[th], O); statistics(tile[th], n, S1[th], S2[th]);)
        finishStatistics();
        TILES(dnnl_sgemm('N', 'T', n, O, C, 1, x + t0 * C, C, w, C, 0, tile[th], O); normalize(tile[th], out + t0 * O, n);)
        t1 = now();
        memset(S1, 0, sizeof S1); memset(S2, 0, sizeof S2);
        TILES(dnnl_sgemm('N', 'T', n, O, C, 1, x + t0 * C, C, w, C, 0, tile[th], O); gradientSums(tile[th], dout + t0 * O, n, S1[th], S2[th]);)
        finishGradientSums();
        memset(partial, 0, 8 * O * C);
        TILES(dnnl_sgemm('N', 'T', n, O, C, 1, x + t0 * C, C, w, C, 0, tile[th], O);
              inputGradient(tile[th], dout + t0 * O, tile2[th], n);
              dnnl_sgemm('N', 'N', n, C, O, 1, tile2[th], O, w, C, 0, dx + t0 * C, C);
              dnnl_sgemm('T', 'N', O, C, n, 1, tile2[th], O, x + t0 * C, C, 1, partial + th * O * C, C);)
        for (long j = 0; j < O * C; j++) dw[j] = partial[j] + partial[O * C + j];
        t2 = now();
        if (t1 - t < recompute[0]) recompute[0] = t1 - t;
        if (t2 - t1 < recompute[1]) recompute[1] = t2 - t1;
    }
    printf("%3ld px %4d -> %4d, tiles of %ld: forward %.2f ms (recomputed %.2f); backward %.2f ms (tiled %.2f, %.2fx; recomputed %.2f)\n",
           side, C, O, T, whole[0] * 1e3, recompute[0] * 1e3, whole[1] * 1e3, tiledBackward * 1e3, whole[1] / tiledBackward, recompute[1] * 1e3);
    return 0;
}
