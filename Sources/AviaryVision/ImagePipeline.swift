/// Decode options, transform steps and normalisation: everything that turns stored bytes into
/// one sample of a batch.
public struct ImagePipeline: Sendable, Hashable {
    public var decodeOptions: DecodeOptions
    public var steps: [TransformStep]
    public var normalization: Normalization?

    /// `decodeOptions.minimumSize` is filled in from the first step when that step only shrinks to a
    /// known size, so JPEGs decode with DCT scaling automatically.
    public init(decodeOptions: DecodeOptions = DecodeOptions(), steps: [TransformStep], normalization: Normalization? = nil) {
        var options = decodeOptions
        if options.minimumSize == nil, let hint = steps.first?.minimumInputSize { options.minimumSize = hint }
        self.decodeOptions = options
        self.steps = steps
        self.normalization = normalization
    }

    /// The standard evaluation transform: shorter side to `resize`, central `crop`×`crop`, RGB.
    public static func evaluation(resize: Int = 256, crop: Int = 224, normalization: Normalization? = .imageNet) -> ImagePipeline {
        ImagePipeline(decodeOptions: DecodeOptions(color: .rgb),
                      steps: [.resizeShorterSideAndCenterCrop(shorterSide: resize, crop: Size(width: crop, height: crop),
                                                              filter: .antialiased)],
                      normalization: normalization)
    }

    public func transform(_ image: Image, using generator: inout SeededGenerator) throws(TransformError) -> Image {
        var current = image
        for step in steps { current = try step.apply(to: current, using: &generator) }
        return current
    }
}
