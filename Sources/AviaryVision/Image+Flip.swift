extension Image {
    /// The mirror image, left to right.
    public func flippedHorizontally() -> Image {
        var out = pixels
        let c = channels
        out.withUnsafeMutableBufferPointer { destination in
            pixels.withUnsafeBufferPointer { source in
                for y in 0..<height {
                    let row = y * width * c
                    for x in 0..<width {
                        let from = row + (width - 1 - x) * c, to = row + x * c
                        for k in 0..<c { destination[to + k] = source[from + k] }
                    }
                }
            }
        }
        return Image(width: width, height: height, format: format, pixels: out)
    }
}
