/// Per-channel `(x / 255 − mean) / std` into planar Float (CHW): the layout and scale the engine's
/// convolutions expect. ImageNet statistics are the common choice for pretrained backbones.
public struct Normalization: Sendable, Hashable {
    public var mean: [Float]
    public var std: [Float]

    public static let imageNet = Normalization(mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])
    /// Just scales to [0, 1].
    public static func unit(channels: Int) -> Normalization {
        Normalization(mean: Array(repeating: 0, count: channels), std: Array(repeating: 1, count: channels))
    }

    public init(mean: [Float], std: [Float]) {
        precondition(mean.count == std.count && std.allSatisfy { $0 > 0 },
                     "normalisation needs one positive std per mean, got mean \(mean), std \(std)")
        self.mean = mean
        self.std = std
    }

    /// Writes `image` planar into `destination` (channels × height × width Floats).
    public func write(_ image: Image, into destination: UnsafeMutableBufferPointer<Float>) {
        let c = image.channels, plane = image.width * image.height
        precondition(mean.count == c, "normalisation has \(mean.count) channels, image has \(c)")
        precondition(destination.count >= c * plane, "destination holds \(destination.count) Floats, need \(c * plane)")
        image.pixels.withUnsafeBufferPointer { source in
            for channel in 0..<c {
                let scale = 1 / (255 * std[channel]), offset = -mean[channel] / std[channel]
                let out = destination.baseAddress! + channel * plane
                for p in 0..<plane { out[p] = Float(source[p * c + channel]) * scale + offset }
            }
        }
    }
}

extension Image {
    /// Planar Float (CHW) normalised by `normalization` (default: scaled to [0, 1]).
    public func planarFloats(_ normalization: Normalization? = nil) -> [Float] {
        let norm = normalization ?? .unit(channels: channels)
        return [Float](unsafeUninitializedCapacity: channels * width * height) { buffer, count in
            norm.write(self, into: buffer)
            count = channels * width * height
        }
    }
}
