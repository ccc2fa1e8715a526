import AviaryNN

// STAND-IN until the `backbone` branch lands Sources/AviaryCore/Backbones/FeatureExtractor; then this
// file goes and head training uses theirs unchanged.

/// A frozen network that turns a batch of preprocessed images `[N, 3, H, W]` into feature rows
/// `[N, dimension]`, in evaluation mode and without recording gradients.
public protocol FeatureExtractor {
    var dimension: Int { get }
    func features(_ images: Tensor) throws -> Tensor
}
