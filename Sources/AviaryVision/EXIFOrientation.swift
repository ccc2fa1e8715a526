/// The eight EXIF orientations (TIFF tag 0x0112): how the stored pixels must be turned to show the
/// scene upright. Cameras store sensor rows as they come and record the rotation here instead.
public enum EXIFOrientation: Int, Sendable, Hashable, CaseIterable {
    case up = 1               // as stored
    case upMirrored = 2       // flip left-right
    case down = 3             // rotate 180°
    case downMirrored = 4     // flip top-bottom
    case leftMirrored = 5     // transpose (flip across the main diagonal)
    case right = 6            // rotate 90° clockwise
    case rightMirrored = 7    // transverse (flip across the anti-diagonal)
    case left = 8             // rotate 90° counter-clockwise

    /// Whether showing the image upright swaps its width and height.
    public var swapsDimensions: Bool { rawValue >= 5 }

    /// Reads the orientation from a JPEG's APP1 Exif segment, in either byte order. Returns `.up`
    /// when there is no Exif data or the tag is absent or malformed: a broken tag must not make a
    /// readable photo unreadable.
    public static func read(fromJPEG bytes: UnsafeRawBufferPointer) -> EXIFOrientation {
        var offset = 2  // after SOI
        while offset + 4 <= bytes.count {
            guard bytes[offset] == 0xFF else { return .up }
            let marker = bytes[offset + 1]
            if marker == 0xFF { offset += 1; continue }  // fill byte
            if marker == 0xDA || marker == 0xD9 { return .up }  // image data starts: no Exif before it
            let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            guard length >= 2, offset + 2 + length <= bytes.count else { return .up }
            if marker == 0xE1, let orientation = parseExif(bytes, start: offset + 4, end: offset + 2 + length) {
                return orientation
            }
            offset += 2 + length
        }
        return .up
    }

    private static func parseExif(_ bytes: UnsafeRawBufferPointer, start: Int, end: Int) -> EXIFOrientation? {
        let header: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0, 0]  // "Exif\0\0"
        guard end - start >= 6 + 8, (0..<6).allSatisfy({ bytes[start + $0] == header[$0] }) else { return nil }
        let tiff = start + 6
        let littleEndian: Bool
        switch (bytes[tiff], bytes[tiff + 1]) {
        case (0x49, 0x49): littleEndian = true
        case (0x4D, 0x4D): littleEndian = false
        default: return nil
        }
        func read16(_ at: Int) -> Int? {
            guard at >= tiff, at + 2 <= end else { return nil }
            let a = Int(bytes[at]), b = Int(bytes[at + 1])
            return littleEndian ? a | b << 8 : a << 8 | b
        }
        func read32(_ at: Int) -> Int? {
            guard let low = read16(littleEndian ? at : at + 2), let high = read16(littleEndian ? at + 2 : at) else { return nil }
            return high << 16 | low
        }
        guard read16(tiff + 2) == 42, let ifdOffset = read32(tiff + 4) else { return nil }
        let ifd = tiff + ifdOffset
        guard let entryCount = read16(ifd) else { return nil }
        for index in 0..<entryCount {
            let entry = ifd + 2 + index * 12
            guard let tag = read16(entry) else { return nil }
            // Orientation is a SHORT (type 3), count 1, stored in the first two value bytes.
            if tag == 0x0112, read16(entry + 2) == 3, let value = read16(entry + 8) {
                return EXIFOrientation(rawValue: value)
            }
        }
        return nil
    }
}
