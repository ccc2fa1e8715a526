/// One step of an image pipeline. Random steps draw from the generator the pipeline hands them,
/// which the loader seeds per sample, so a seed fixes every augmentation.
public enum TransformStep: Sendable, Hashable {
    case resize(Size, ResizeFilter)
    /// torchvision `Resize(int)`: the shorter side becomes the given length.
    case resizeShorterSide(Int, ResizeFilter)
    case centerCrop(Size)
    /// `resizeShorterSide` then `centerCrop`, computing only the kept pixels.
    case resizeShorterSideAndCenterCrop(shorterSide: Int, crop: Size, filter: ResizeFilter)
    case randomResizedCrop(RandomResizedCrop)
    /// Mirror left-right with this probability.
    case horizontalFlip(probability: Double)
    case colorJitter(ColorJitter)
    /// Gray becomes RGB (colour images pass unchanged); RGBA loses its alpha.
    case toRGB

    func apply(to image: Image, using generator: inout SeededGenerator) throws(TransformError) -> Image {
        switch self {
        case .resize(let size, let filter):
            return image.resized(to: size, filter: filter)
        case .resizeShorterSide(let length, let filter):
            return image.resized(to: Image.sizeScaling(image.size, shorterSide: length), filter: filter)
        case .centerCrop(let size):
            guard size.width <= image.width && size.height <= image.height else {
                throw TransformError.cropLargerThanImage(crop: size, image: image.size)
            }
            return image.centerCropped(to: size)
        case .resizeShorterSideAndCenterCrop(let length, let crop, let filter):
            let resizedSize = Image.sizeScaling(image.size, shorterSide: length)
            guard crop.width <= resizedSize.width && crop.height <= resizedSize.height else {
                throw TransformError.cropLargerThanImage(crop: crop, image: resizedSize)
            }
            return image.resizedAndCenterCropped(shorterSide: length, crop: crop, filter: filter)
        case .randomResizedCrop(let transform):
            return transform.apply(to: image, using: &generator)
        case .horizontalFlip(let probability):
            return generator.nextUnit() < probability ? image.flippedHorizontally() : image
        case .colorJitter(let jitter):
            return jitter.apply(to: image, using: &generator)
        case .toRGB:
            return image.converted(to: .rgb)
        }
    }

    /// The smallest decoded size this step can work from without losing detail, when known
    /// before decoding: lets JPEG decoding use DCT scaling.
    var minimumInputSize: Size? {
        switch self {
        case .resize(let size, _): size
        case .resizeShorterSide(let length, _), .resizeShorterSideAndCenterCrop(let length, _, _):
            Size(width: length, height: length)
        default: nil
        }
    }
}
