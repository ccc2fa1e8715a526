import Foundation

/// NumPy's `.npy` format (versions 1.0–3.0): a magic string, a version, a Python dict literal
/// header, then the raw elements. Users compare Aviary with other runtimes through these files.
public enum NumPyFile {
    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    public static func read(_ url: URL) throws(NumPyError) -> HostArray {
        switch FileContents.read(url) {
        case .success(let data): return try decode([UInt8](data), path: url.path)
        case .failure(.missing): throw .fileNotFound(path: url.path)
        case .failure(let failure): throw .unreadable(path: url.path, reason: failure.reason)
        }
    }

    public static func decode(_ bytes: [UInt8], path: String = "(memory)") throws(NumPyError) -> HostArray {
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw .malformed(path: path, reason: "it does not start with the .npy magic \\x93NUMPY")
        }
        let major = bytes[6]
        let headerLength: Int
        let headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw .malformed(path: path, reason: "the header length is cut off") }
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
            headerStart = 12
        default:
            throw .malformed(path: path, reason: "format version \(major).\(bytes[7]) is unknown; NumPy writes 1.0, 2.0 and 3.0")
        }
        guard headerStart + headerLength <= bytes.count,
              let header = String(bytes: bytes[headerStart..<(headerStart + headerLength)], encoding: major == 3 ? .utf8 : .isoLatin1)
        else { throw .malformed(path: path, reason: "the header is cut off") }
        let parsed = try NumPyHeader(parsing: header, path: path)
        let body = Array(bytes[(headerStart + headerLength)...])
        guard let elements = HostArray.elementCount(parsed.shape), elements <= Int.max / 8 else {
            throw .malformed(path: path, reason: "shape \(parsed.shape) holds more elements than memory can address")
        }
        let expected = elements * parsed.elementType.byteCount
        guard body.count == expected else {
            throw .malformed(path: path, reason: "shape \(parsed.shape) of \(parsed.elementType) needs \(expected) bytes of data, the file has \(body.count)")
        }
        let littleEndian = parsed.bigEndian ? swapBytes(body, width: parsed.elementType.byteCount) : body
        do {
            return try HostArray(elementType: parsed.elementType, shape: parsed.shape, bytes: littleEndian)
        } catch {
            throw .malformed(path: path, reason: "\(error)")
        }
    }

    public static func encode(_ array: HostArray) throws(NumPyError) -> [UInt8] {
        guard array.elementType != .bfloat16 else { throw .unsupportedType(path: "(output)", descr: "bfloat16 (NumPy has no such type)") }
        let byteOrder = array.elementType.byteCount == 1 ? "|" : "<"
        let shape = array.shape.count == 1 ? "(\(array.shape[0]),)" : "(" + array.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(byteOrder)\(array.elementType.numpyKind)', 'fortran_order': False, 'shape': \(shape), }"
        // The data starts on a 64-byte boundary, as NumPy itself pads it; the header ends with a newline.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        let length = header.utf8.count
        return magic + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(header.utf8) + array.bytes
    }

    public static func write(_ array: HostArray, to url: URL) throws(NumPyError) {
        let bytes = try encode(array)
        do {
            try Data(bytes).write(to: url, options: .atomic)
        } catch {
            throw .unwritable(path: url.path, reason: error.localizedDescription)
        }
    }

    static func swapBytes(_ bytes: [UInt8], width: Int) -> [UInt8] {
        guard width > 1 else { return bytes }
        var swapped = bytes
        for start in stride(from: 0, to: bytes.count, by: width) {
            for offset in 0..<width { swapped[start + offset] = bytes[start + width - 1 - offset] }
        }
        return swapped
    }
}

public enum NumPyError: Error, Equatable, Sendable, CustomStringConvertible {
    case fileNotFound(path: String)
    case unreadable(path: String, reason: String)
    case unwritable(path: String, reason: String)
    case malformed(path: String, reason: String)
    case unsupportedType(path: String, descr: String)
    case fortranOrder(path: String)

    public var description: String {
        switch self {
        case let .fileNotFound(path): "\(path): no such file"
        case let .unreadable(path, reason): "\(path): cannot read: \(reason)"
        case let .unwritable(path, reason): "\(path): cannot write: \(reason)"
        case let .malformed(path, reason): "\(path): not a valid .npy file: \(reason)"
        case let .unsupportedType(path, descr):
            "\(path): element type \(descr) is not supported; use float16/32/64, int8/16/32/64, uint8/16/32/64 or bool"
        case let .fortranOrder(path):
            "\(path): the array is stored in Fortran order; save it with np.save(path, np.ascontiguousarray(a))"
        }
    }
}
