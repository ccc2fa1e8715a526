import Foundation

/// torchvision's `RandomResizedCrop`: pick a region covering `scale` of the area with aspect
/// ratio in `ratio` (log-uniform), up to ten tries, else fall back to the largest central crop
/// with an allowed ratio; then resize that region to `size`.
public struct RandomResizedCrop: Sendable, Hashable {
    public var size: Size
    public var scale: ClosedRange<Double>
    public var ratio: ClosedRange<Double>
    public var filter: ResizeFilter

    public init(size: Size, scale: ClosedRange<Double> = 0.08...1, ratio: ClosedRange<Double> = (3.0 / 4)...(4.0 / 3),
                filter: ResizeFilter = .antialiased) {
        self.size = size
        self.scale = scale
        self.ratio = ratio
        self.filter = filter
    }

    /// The region of an image of `imageSize` to crop, drawn from `generator`.
    public func region(for imageSize: Size, using generator: inout SeededGenerator) -> PixelRect {
        let (width, height) = (imageSize.width, imageSize.height)
        let area = Double(width * height)
        let logRatio = log(ratio.lowerBound)...log(ratio.upperBound)
        for _ in 0..<10 {
            let targetArea = area * generator.uniform(scale.lowerBound, scale.upperBound)
            let aspect = exp(generator.uniform(logRatio.lowerBound, logRatio.upperBound))
            let w = Int((targetArea * aspect).squareRoot().rounded(.toNearestOrEven))
            let h = Int((targetArea / aspect).squareRoot().rounded(.toNearestOrEven))
            if w > 0 && w <= width && h > 0 && h <= height {
                let top = Int(generator.next() % UInt64(height - h + 1))
                let left = Int(generator.next() % UInt64(width - w + 1))
                return PixelRect(x: left, y: top, width: w, height: h)
            }
        }
        let inRatio = Double(width) / Double(height)
        var (w, h) = (width, height)
        if inRatio < ratio.lowerBound {
            h = Int((Double(w) / ratio.lowerBound).rounded(.toNearestOrEven))
        } else if inRatio > ratio.upperBound {
            w = Int((Double(h) * ratio.upperBound).rounded(.toNearestOrEven))
        }
        return PixelRect(x: (width - w) / 2, y: (height - h) / 2, width: w, height: h)
    }

    public func apply(to image: Image, using generator: inout SeededGenerator) -> Image {
        let rect = region(for: Size(width: image.width, height: image.height), using: &generator)
        return image.cropped(to: rect).resized(to: size, filter: filter)
    }
}
