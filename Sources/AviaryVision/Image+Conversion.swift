extension Image {
    /// The same picture in another pixel format. Gray to colour replicates the sample; colour to
    /// gray uses ITU-R 601 luma (0.299 R + 0.587 G + 0.114 B), as Pillow and torchvision do; adding
    /// alpha makes it opaque (255); removing alpha discards it without compositing.
    public func converted(to target: PixelFormat) -> Image {
        if target == format { return self }
        let count = width * height
        var out = [UInt8](repeating: 0, count: count * target.channels)
        let sourceChannels = channels
        pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { destination in
                for pixel in 0..<count {
                    let from = pixel * sourceChannels
                    let to = pixel * target.channels
                    switch (format, target) {
                    case (.gray, _):
                        destination[to] = source[from]
                        destination[to + 1] = source[from]
                        destination[to + 2] = source[from]
                        if target == .rgba { destination[to + 3] = 255 }
                    case (_, .gray):
                        let luma = 299 * Int(source[from]) + 587 * Int(source[from + 1]) + 114 * Int(source[from + 2])
                        destination[to] = UInt8((luma + 500) / 1000)
                    case (.rgb, _):
                        destination[to] = source[from]
                        destination[to + 1] = source[from + 1]
                        destination[to + 2] = source[from + 2]
                        destination[to + 3] = 255
                    default:
                        destination[to] = source[from]
                        destination[to + 1] = source[from + 1]
                        destination[to + 2] = source[from + 2]
                    }
                }
            }
        }
        return Image(width: width, height: height, format: target, pixels: out)
    }
}
