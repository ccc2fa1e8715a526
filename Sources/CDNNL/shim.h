// oneDNN 2.6.3's C API (Debian libdnnl-dev). Only AviaryTensor imports this module.
#include <oneapi/dnnl/dnnl.h>

// libgomp runs oneDNN's threads; its header sits in GCC's private include path, so declare the one call we use.
extern void omp_set_num_threads(int num_threads);
extern int omp_get_max_threads(void);

// glibc's allocator knobs: AviaryTensor keeps freed tensor memory in the heap (AllocatorTuning).
#include <malloc.h>
