// libjpeg-turbo's TurboJPEG API. Its functions catch libjpeg's longjmp internally and return -1,
// so Swift may call them directly.
#include <turbojpeg.h>
