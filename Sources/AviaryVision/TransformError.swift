/// A transform that cannot apply to a particular image.
public enum TransformError: Error, CustomStringConvertible, Hashable, Sendable {
    case cropLargerThanImage(crop: Size, image: Size)

    public var description: String {
        switch self {
        case .cropLargerThanImage(let crop, let image):
            "a \(crop) crop does not fit a \(image) image; resize first (e.g. resizeShorterSide) or crop smaller"
        }
    }
}
