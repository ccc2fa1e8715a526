import CTurboJPEG

/// A TurboJPEG decompressor and compressor pair. Handles are costly to create, so one instance is
/// reused for many images; it is not thread-safe (use one per thread, as the loader does).
final class JPEGCodec {
    private var decompressor: tjhandle?
    private var compressor: tjhandle?

    deinit {
        if let decompressor { tjDestroy(decompressor) }
        if let compressor { tjDestroy(compressor) }
    }

    func decode(_ bytes: UnsafeRawBufferPointer, name: String, options: DecodeOptions) throws -> Image {
        let handle = try decompressorHandle(name: name)
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            throw ImageError(source: name, reason: .truncated(detail: "the file is empty"))
        }
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        try check(tjDecompressHeader3(handle, base, UInt(bytes.count), &width, &height, &subsampling, &colorspace),
                  handle, name: name, stage: "reading the JPEG header")
        guard width > 0, height > 0, (0...4).contains(colorspace) else {
            // TurboJPEG fakes an end-of-image marker when the data runs out inside the header.
            throw ImageError(source: name, reason: .truncated(detail: "the JPEG header ends before the frame size"))
        }
        let pixelCount = Int(width) * Int(height)
        guard pixelCount <= options.maxPixels else {
            throw ImageError(source: name, reason: .tooManyPixels(width: Int(width), height: Int(height), limit: options.maxPixels))
        }
        let orientation = options.appliesOrientation ? EXIFOrientation.read(fromJPEG: bytes) : .up
        var factor = JPEGScaleFactor.full
        if var minimum = options.minimumSize {
            if orientation.swapsDimensions { minimum = Size(width: minimum.height, height: minimum.width) }
            factor = JPEGScaleFactor.choose(width: Int(width), height: Int(height), minimum: minimum,
                                            fractional: options.allowsFractionalScaling)
        }
        let outWidth = factor.scaled(Int(width)), outHeight = factor.scaled(Int(height))
        let isGray = colorspace == Int32(TJCS_GRAY.rawValue)
        let isCMYK = colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue)
        let pixelFormat: TJPF = isGray ? TJPF_GRAY : (isCMYK ? TJPF_CMYK : TJPF_RGB)
        let decodedChannels = isGray ? 1 : (isCMYK ? 4 : 3)
        var pixels = [UInt8](repeating: 0, count: outWidth * outHeight * decodedChannels)
        let status = pixels.withUnsafeMutableBufferPointer { destination in
            tjDecompress2(handle, base, UInt(bytes.count), destination.baseAddress, Int32(outWidth), 0,
                          Int32(outHeight), Int32(pixelFormat.rawValue), 0)
        }
        try check(status, handle, name: name, stage: "decoding")
        if isCMYK { pixels = Self.rgb(fromInvertedCMYK: pixels) }
        var image = Image(width: outWidth, height: outHeight, format: isGray ? .gray : .rgb, pixels: pixels)
        image = image.applying(orientation)
        return options.color == .rgb ? image.converted(to: .rgb) : image
    }

    func encode(_ image: Image, quality: Int, name: String) throws -> [UInt8] {
        guard (1...100).contains(quality) else {
            throw ImageError(source: name, reason: .invalidRequest(detail: "JPEG quality must be 1...100, got \(quality)"))
        }
        let source = image.format == .rgba ? image.converted(to: .rgb) : image
        if compressor == nil { compressor = tjInitCompress() }
        guard let compressor else {
            throw ImageError(source: name, reason: .invalidRequest(detail: "TurboJPEG could not start a compressor"))
        }
        let isGray = source.format == .gray
        var output: UnsafeMutablePointer<UInt8>? = nil
        var length: UInt = 0
        let status = source.pixels.withUnsafeBufferPointer { pixels in
            tjCompress2(compressor, pixels.baseAddress, Int32(source.width), 0, Int32(source.height),
                        Int32((isGray ? TJPF_GRAY : TJPF_RGB).rawValue), &output, &length,
                        Int32((isGray ? TJSAMP_GRAY : TJSAMP_420).rawValue), Int32(quality), 0)
        }
        defer { if let output { tjFree(output) } }
        guard status == 0, let output else {
            let message = String(cString: tjGetErrorStr2(compressor))
            throw ImageError(source: name, reason: .invalidRequest(detail: "JPEG encoding failed: \(message)"))
        }
        return Array(UnsafeBufferPointer(start: output, count: Int(length)))
    }

    private func decompressorHandle(name: String) throws -> tjhandle {
        if decompressor == nil { decompressor = tjInitDecompress() }
        guard let decompressor else {
            throw ImageError(source: name, reason: .invalidRequest(detail: "TurboJPEG could not start a decompressor"))
        }
        return decompressor
    }

    /// libjpeg-turbo warns, and still fills the image, when it steps over damage. Extraneous bytes
    /// before a marker are harmless (and common in scraped photos); every other warning means
    /// pixels were lost or invented, so it is an error like a fatal one.
    private func check(_ status: Int32, _ handle: tjhandle, name: String, stage: String) throws {
        guard status != 0 else { return }
        let message = String(cString: tjGetErrorStr2(handle))
        if tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue) && message.contains("extraneous bytes") { return }
        let detail = "\(message) while \(stage)"
        if message.contains("Premature end of JPEG file") || message.contains("insufficient") {
            throw ImageError(source: name, reason: .truncated(detail: detail))
        }
        throw ImageError(source: name, reason: .corrupt(detail: detail))
    }

    /// Adobe-style CMYK JPEGs (the common kind) store inverted inks, so each sample already is
    /// 255 − ink and RGB = sample × K / 255, the conversion Pillow applies.
    static func rgb(fromInvertedCMYK cmyk: [UInt8]) -> [UInt8] {
        var rgb = [UInt8](repeating: 0, count: cmyk.count / 4 * 3)
        for pixel in 0..<(cmyk.count / 4) {
            let k = Int(cmyk[pixel * 4 + 3])
            for channel in 0..<3 {
                rgb[pixel * 3 + channel] = UInt8((Int(cmyk[pixel * 4 + channel]) * k + 127) / 255)
            }
        }
        return rgb
    }
}
