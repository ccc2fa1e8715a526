import CImageCodecs

/// Maps a CImageCodecs status to the reason an `ImageError` reports.
func codecReason(_ status: Int32, message: [CChar], format: String) -> ImageError.Reason {
    let detail = "\(format): \(text(fromCString: message))"
    switch Int(status) {
    case Int(AVIARY_CODEC_TRUNCATED): return .truncated(detail: detail)
    case Int(AVIARY_CODEC_UNSUPPORTED): return .unsupportedFormat(detail: detail)
    case Int(AVIARY_CODEC_OUT_OF_MEMORY): return .invalidRequest(detail: "out of memory (\(detail))")
    default: return .corrupt(detail: detail)
    }
}

/// The text in a NUL-terminated C buffer.
func text(fromCString buffer: [CChar]) -> String {
    let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self)
}
