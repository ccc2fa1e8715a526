import AviaryTensor

/// A frozen backbone as training and prediction use it: a batch of images already prepared by the
/// backbone's `PreprocessingSpec` (N×3×H×W) in, one feature vector per image (N×`dimension`) out.
/// Runs in evaluation mode without recording gradients, so features can be computed once and cached.
public protocol FeatureExtractor: AnyObject {
    /// The length of one image's feature vector.
    var dimension: Int { get }
    func features(_ images: Tensor) throws -> Tensor
}
