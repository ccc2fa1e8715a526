import AviaryVision

/// How an image becomes the model's input, recorded with every model artifact so that training,
/// `aviary predict`, workflows and endpoints all feed a model exactly what it was trained on.
/// Plain data (no closures) so it survives JSON and can be read by other runtimes.
public struct PreprocessingSpec: Codable, Sendable, Hashable {
    public enum Resize: String, Codable, Sendable, CaseIterable {
        /// torchvision's evaluation transform: shorter side to `resizeTo`, then the central square.
        case shorterSideThenCenterCrop = "shorter-side-then-center-crop"
        /// The whole image squeezed to `inputSize`×`inputSize`; for inputs already square (IDX digits).
        case stretch
    }

    public enum Filter: String, Codable, Sendable, CaseIterable {
        case bilinear, antialiased, area
    }

    public var resize: Resize
    /// The shorter side after resizing (ignored by `stretch`).
    public var resizeTo: Int
    /// The side of the square the model takes.
    public var inputSize: Int
    public var filter: Filter
    /// Always RGB: gray images are replicated, alpha dropped, as pretrained backbones expect.
    public var channels: Int
    /// Per channel, applied after scaling to 0…1: (x/255 − mean) / std.
    public var mean: [Float]
    public var std: [Float]

    public init(resize: Resize = .shorterSideThenCenterCrop, resizeTo: Int = 256, inputSize: Int = 224, filter: Filter = .antialiased,
                mean: [Float] = Normalization.imageNet.mean, std: [Float] = Normalization.imageNet.std) {
        self.resize = resize
        self.resizeTo = resizeTo
        self.inputSize = inputSize
        self.filter = filter
        self.channels = 3
        self.mean = mean
        self.std = std
    }

    /// The ImageNet evaluation transform at a given input size, keeping torchvision's 256/224 ratio.
    public static func imageNet(inputSize: Int = 224) -> PreprocessingSpec {
        PreprocessingSpec(resizeTo: Int((Double(inputSize) * 256 / 224).rounded()), inputSize: inputSize)
    }

    /// Every field checked, with the field named: a spec read from a file must not decode into NaNs.
    public func validate() throws(ModelArtifactError) {
        func fail(_ field: String, _ detail: String) -> ModelArtifactError { .invalidPreprocessing(field: field, detail: detail) }
        guard inputSize > 0, inputSize <= 4096 else { throw fail("inputSize", "must be 1…4096, not \(inputSize)") }
        guard resize == .stretch || resizeTo >= inputSize else {
            throw fail("resizeTo", "must be at least inputSize (\(inputSize)) to crop from, not \(resizeTo)")
        }
        guard channels == 3 else { throw fail("channels", "must be 3 (RGB), not \(channels)") }
        guard mean.count == channels, std.count == channels else {
            throw fail(mean.count == channels ? "std" : "mean", "needs one value per channel (\(channels))")
        }
        guard std.allSatisfy({ $0 > 0 && $0.isFinite }), mean.allSatisfy(\.isFinite) else {
            throw fail("std", "values must be finite and std positive")
        }
    }

    /// The same transform as an AviaryVision pipeline.
    public var pipeline: ImagePipeline {
        let filter: ResizeFilter = switch self.filter {
        case .bilinear: .bilinear
        case .antialiased: .antialiased
        case .area: .area
        }
        let size = Size(width: inputSize, height: inputSize)
        let step: TransformStep = switch resize {
        case .shorterSideThenCenterCrop: .resizeShorterSideAndCenterCrop(shorterSide: resizeTo, crop: size, filter: filter)
        case .stretch: .resize(size, filter)
        }
        return ImagePipeline(decodeOptions: DecodeOptions(color: .rgb), steps: [step, .toRGB],
                             normalization: Normalization(mean: mean, std: std))
    }
}
