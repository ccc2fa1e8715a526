extension Image {
    /// The pixels inside `rect`, which must lie inside the image.
    public func cropped(to rect: PixelRect) -> Image {
        precondition(rect.x >= 0 && rect.y >= 0 && rect.width > 0 && rect.height > 0
                     && rect.x + rect.width <= width && rect.y + rect.height <= height,
                     "crop \(rect) must lie inside the \(width)x\(height) image")
        let rowLength = rect.width * channels
        var out = [UInt8](repeating: 0, count: rect.height * rowLength)
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { destination in
                for row in 0..<rect.height {
                    let from = ((rect.y + row) * width + rect.x) * channels
                    (destination.baseAddress! + row * rowLength)
                        .update(from: source.baseAddress! + from, count: rowLength)
                }
            }
        }
        return Image(width: rect.width, height: rect.height, format: format, pixels: out)
    }

    /// The central `size` of the image (torchvision `center_crop` placement, which rounds the
    /// offset half to even, as Python's `round` does).
    public func centerCropped(to size: Size) -> Image {
        cropped(to: Self.centerCropRect(of: Size(width: width, height: height), size: size))
    }

    /// Where torchvision's `center_crop` puts a `size` crop inside `image`.
    public static func centerCropRect(of image: Size, size: Size) -> PixelRect {
        precondition(size.width <= image.width && size.height <= image.height,
                     "centre crop \(size) is larger than the \(image) image")
        let top = (Double(image.height - size.height) / 2).rounded(.toNearestOrEven)
        let left = (Double(image.width - size.width) / 2).rounded(.toNearestOrEven)
        return PixelRect(x: Int(left), y: Int(top), width: size.width, height: size.height)
    }

    /// The size torchvision's `Resize(shorterSide)` gives: the short side becomes `shorterSide`,
    /// the long side keeps the aspect ratio, truncated.
    public static func sizeScaling(_ image: Size, shorterSide: Int) -> Size {
        if image.width <= image.height {
            return Size(width: shorterSide, height: shorterSide * image.height / image.width)
        }
        return Size(width: shorterSide * image.width / image.height, height: shorterSide)
    }

    /// Resize so the shorter side is `shorterSide`, then take the central `crop`: the standard
    /// evaluation transform, computing only the pixels that survive the crop.
    public func resizedAndCenterCropped(shorterSide: Int, crop: Size, filter: ResizeFilter = .antialiased) -> Image {
        let resizedSize = Self.sizeScaling(Size(width: width, height: height), shorterSide: shorterSide)
        return resized(to: resizedSize, filter: filter, keeping: Self.centerCropRect(of: resizedSize, size: crop))
    }
}
