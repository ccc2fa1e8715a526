extension Image {
    /// The same picture in another pixel format. Gray to colour replicates the sample; colour to
    /// gray uses ITU-R 601 luma (0.299 R + 0.587 G + 0.114 B), as Pillow and torchvision do; adding
    /// alpha makes it opaque (255); removing alpha discards it without compositing.
    public func converted(to target: PixelFormat) -> Image {
        if target == format { return self }
        let count = width * height
        let from = channels, to = target.channels
        let out = [UInt8](unsafeUninitializedCapacity: count * to) { destination, initialized in
            pixels.withUnsafeBufferPointer { source in
                let s = source.baseAddress!, d = destination.baseAddress!
                switch (format, target) {
                case (.gray, .rgb):
                    for p in 0..<count {
                        let value = s[p]
                        d[p * 3] = value; d[p * 3 + 1] = value; d[p * 3 + 2] = value
                    }
                case (.gray, _):
                    for p in 0..<count {
                        let value = s[p]
                        d[p * 4] = value; d[p * 4 + 1] = value; d[p * 4 + 2] = value; d[p * 4 + 3] = 255
                    }
                case (_, .gray):
                    for p in 0..<count {
                        let luma = 299 * Int(s[p * from]) + 587 * Int(s[p * from + 1]) + 114 * Int(s[p * from + 2])
                        d[p] = UInt8((luma + 500) / 1000)
                    }
                default:  // RGB <-> RGBA
                    for p in 0..<count {
                        for k in 0..<3 { d[p * to + k] = s[p * from + k] }
                        if to == 4 { d[p * 4 + 3] = 255 }
                    }
                }
            }
            initialized = count * to
        }
        return Image(width: width, height: height, format: target, pixels: out)
    }
}
