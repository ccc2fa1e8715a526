// The 1x1 convolutions of an EfficientNet-Lite0 training step (batch 32, 112 px) as the sgemm
// calls Aviary makes (PointwiseConvolution.swift): forward y = x.w^T, backward data dx = dy.w,
// backward weights dw = dy^T.x; oneDNN's dnnl_sgemm against OpenBLAS's cblas_sgemm, best of 7.
//
//   gcc -O2 -o /tmp/pointwise_gemm_shapes pointwise_gemm_shapes.c -ldnnl -lopenblas
//   OMP_NUM_THREADS=2 /tmp/pointwise_gemm_shapes dnnl
//   OPENBLAS_NUM_THREADS=2 /tmp/pointwise_gemm_shapes openblas
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cblas.h>
#include <dnnl.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

typedef struct { int in, out, side; } Layer;

static void pass(int blas, int which, long m, long c, long o, float *x, float *y, float *w, float *dw, float *dx) {
    if (!blas) {
        if (which == 0) dnnl_sgemm('N', 'T', m, o, c, 1, x, c, w, c, 0, y, o);
        if (which == 1) dnnl_sgemm('N', 'N', m, c, o, 1, y, o, w, c, 0, dx, c);
        if (which == 2) dnnl_sgemm('T', 'N', o, c, m, 1, y, o, x, c, 0, dw, c);
    } else {
        if (which == 0) cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, o, c, 1, x, c, w, c, 0, y, o);
        if (which == 1) cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, c, o, 1, y, o, w, c, 0, dx, c);
        if (which == 2) cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, o, c, m, 1, y, o, x, c, 0, dw, c);
    }
}

int main(int argc, char **argv) {
    const Layer layers[] = {{32, 16, 56}, {16, 96, 56}, {96, 24, 28}, {24, 144, 28}, {144, 24, 28}, {144, 40, 14}, {40, 240, 14},
                            {240, 40, 14}, {240, 80, 7}, {80, 480, 7}, {480, 80, 7}, {480, 112, 7}, {112, 672, 7}, {672, 112, 7},
                            {672, 192, 4}, {192, 1152, 4}, {1152, 192, 4}, {1152, 320, 4}, {320, 1280, 4}};
    const int blas = argc > 1 && strcmp(argv[1], "openblas") == 0;
    double total[3] = {0, 0, 0};
    for (size_t i = 0; i < sizeof layers / sizeof layers[0]; i++) {
        long m = 32L * layers[i].side * layers[i].side, c = layers[i].in, o = layers[i].out;
        float *x = malloc(4 * m * c), *y = malloc(4 * m * o), *w = malloc(4 * o * c), *dw = malloc(4 * o * c), *dx = malloc(4 * m * c);
        for (long j = 0; j < m * c; j++) x[j] = (j % 7) * 0.1f;
        for (long j = 0; j < m * o; j++) y[j] = (j % 5) * 0.1f;
        for (long j = 0; j < o * c; j++) w[j] = (j % 3) * 0.1f;
        double best[3] = {1e9, 1e9, 1e9};
        for (int r = 0; r < 7; r++) {
            for (int p = 0; p < 3; p++) {
                double t = now();
                pass(blas, p, m, c, o, x, y, w, dw, dx);
                t = now() - t;
                if (t < best[p]) best[p] = t;
            }
        }
        printf("%4ld -> %4ld at %3d px: forward %7.3f, backward data %7.3f, backward weights %7.3f ms\n",
               c, o, layers[i].side, best[0] * 1e3, best[1] * 1e3, best[2] * 1e3);
        for (int p = 0; p < 3; p++) total[p] += best[p];
        free(x); free(y); free(w); free(dw); free(dx);
    }
    printf("%s total: forward %.2f, backward data %.2f, backward weights %.2f ms\n", blas ? "OpenBLAS" : "oneDNN", total[0] * 1e3, total[1] * 1e3, total[2] * 1e3);
    return 0;
}
