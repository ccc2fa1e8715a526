// libpng. Its error handler longjmps, so only the C target CImageCodecs calls it; Swift never does.
#include <png.h>
