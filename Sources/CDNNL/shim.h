// oneDNN 2.6.3's C API (Debian libdnnl-dev). Only AviaryTensor imports this module.
#include <oneapi/dnnl/dnnl.h>

// libgomp runs oneDNN's threads; its header sits in GCC's private include path, so declare the one call we use.
extern void omp_set_num_threads(int num_threads);
extern int omp_get_max_threads(void);
extern int omp_get_thread_num(void);
extern int omp_get_num_threads(void);
// libgomp's entry for a parallel region (what GCC emits for `#pragma omp parallel`): runs
// fn(data) on every thread of a team of at most num_threads, the caller included, and returns
// when all are done. AviaryTensor's own parallel loops use it, so they share oneDNN's threads.
extern void GOMP_parallel(void (*fn)(void *), void *data, unsigned num_threads, unsigned flags);

// glibc's allocator knobs: AviaryTensor keeps freed tensor memory in the heap (AllocatorTuning).
#include <malloc.h>
