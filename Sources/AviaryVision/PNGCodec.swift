import CImageCodecs

/// PNG through libpng, by way of the C target that owns libpng's setjmp/longjmp error handling.
/// Every colour type decodes to 8 bits: palettes and tRNS expand to RGB(A), 1/2/4-bit gray to 8-bit
/// gray, and 16-bit samples become round(v × 255 / 65535) (libpng's png_set_scale_16, not truncation).
enum PNGCodec {
    static func decode(_ bytes: UnsafeRawBufferPointer, name: String, options: DecodeOptions) throws -> Image {
        var decoded = aviary_png_image()
        var message = [CChar](repeating: 0, count: Int(AVIARY_CODEC_MESSAGE_CAPACITY))
        let status = aviary_png_decode(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count,
                                       UInt64(options.maxPixels), &decoded, &message)
        guard status == AVIARY_CODEC_OK, let raw = decoded.pixels else {
            if status == AVIARY_CODEC_TOO_MANY_PIXELS {
                var width: UInt32 = 0, height: UInt32 = 0
                _ = aviary_png_read_size(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count,
                                         &width, &height, &message)
                throw ImageError(source: name, reason: .tooManyPixels(width: Int(width), height: Int(height),
                                                                        limit: options.maxPixels))
            }
            throw ImageError(source: name, reason: codecReason(status, message: message, format: "PNG"))
        }
        defer { aviary_codec_free(raw) }
        let width = Int(decoded.width), height = Int(decoded.height), channels = Int(decoded.channels)
        let samples = Array(UnsafeBufferPointer(start: raw, count: width * height * channels))
        let image = fromLibPNGLayout(samples, width: width, height: height, channels: channels, alpha: options.alpha)
        return options.color == .rgb ? image.converted(to: image.format == .rgba ? .rgba : .rgb) : image
    }

    static func encode(_ image: Image, name: String, compressionLevel: Int) throws -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>? = nil
        var length = 0
        var message = [CChar](repeating: 0, count: Int(AVIARY_CODEC_MESSAGE_CAPACITY))
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            aviary_png_encode(pixels.baseAddress, UInt32(image.width), UInt32(image.height), UInt32(image.channels),
                              Int32(max(0, min(9, compressionLevel))), &output, &length, &message)
        }
        defer { if let output { aviary_codec_free(output) } }
        guard status == AVIARY_CODEC_OK, let output else {
            throw ImageError(source: name, reason: .invalidRequest(detail: "PNG encoding failed: \(text(fromCString: message))"))
        }
        return Array(UnsafeBufferPointer(start: output, count: length))
    }

    /// libpng hands back 1–4 channels; gray+alpha (2) is the one layout `Image` does not have.
    private static func fromLibPNGLayout(_ samples: [UInt8], width: Int, height: Int, channels: Int,
                                         alpha: DecodeOptions.Alpha) -> Image {
        switch (channels, alpha) {
        case (1, _): return Image(width: width, height: height, format: .gray, pixels: samples)
        case (3, _): return Image(width: width, height: height, format: .rgb, pixels: samples)
        case (4, .keep): return Image(width: width, height: height, format: .rgba, pixels: samples)
        case (4, .drop): return Image(width: width, height: height, format: .rgba, pixels: samples).converted(to: .rgb)
        case (2, .drop):
            let gray = (0..<(width * height)).map { samples[$0 * 2] }
            return Image(width: width, height: height, format: .gray, pixels: gray)
        default:
            var rgba = [UInt8](repeating: 0, count: width * height * 4)
            for pixel in 0..<(width * height) {
                let value = samples[pixel * 2]
                rgba[pixel * 4] = value
                rgba[pixel * 4 + 1] = value
                rgba[pixel * 4 + 2] = value
                rgba[pixel * 4 + 3] = samples[pixel * 2 + 1]
            }
            return Image(width: width, height: height, format: .rgba, pixels: rgba)
        }
    }
}
