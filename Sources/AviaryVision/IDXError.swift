import Foundation

/// Why an IDX file was rejected, with the file named and a fix suggested.
public struct IDXError: Error, CustomStringConvertible, Hashable, Sendable {
    public enum Problem: Hashable, Sendable {
        case tooShort(Int)
        case badMagic([UInt8])
        case unsupportedType(UInt8)
        case sizeMismatch(dimensions: [Int], expected: Int, actual: Int)
        case compression(String)
    }

    public let source: String
    public let problem: Problem

    public var description: String {
        switch problem {
        case .tooShort(let count):
            "\(source): \(count) bytes is too short for an IDX header. The file is truncated; download it again."
        case .badMagic(let bytes):
            "\(source): magic \(bytes.map { String(format: "%02X", $0) }.joined(separator: " ")) is not IDX "
                + "(expected 00 00 08 0N). Point at the MNIST-style *-idx?-ubyte[.gz] file."
        case .unsupportedType(let type):
            "\(source): IDX element type 0x\(String(format: "%02X", type)) is not supported; only unsigned bytes (0x08) are."
        case .sizeMismatch(let dimensions, let expected, let actual):
            "\(source): header declares \(dimensions) = \(expected) bytes of data but \(actual) follow. "
                + "The file is truncated or padded; download it again."
        case .compression(let detail):
            "\(source): gzip stream is damaged (\(detail)). Download the file again or gunzip it to find the damage."
        }
    }
}
