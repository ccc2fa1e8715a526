import Foundation
@testable import AviaryVision

/// Test fixtures, found from this file's path (made by Fixtures/make_fixtures.py).
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    static func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: directory.appendingPathComponent(name))) }

    static func decode(_ name: String, options: DecodeOptions = DecodeOptions()) throws -> Image {
        try ImageDecoder().decodeFile(atPath: path(name), options: options)
    }

    /// expected.json, parsed once.
    nonisolated(unsafe) static let expected: [String: Any] = {
        let data = try! Data(contentsOf: directory.appendingPathComponent("expected.json"))
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()

    /// The expected image stored under `key` in expected.json.
    static func expectedImage(_ key: String) -> Image {
        let entry = expected[key] as! [String: Any]
        let format: PixelFormat = switch entry["format"] as! String {
        case "gray": .gray
        case "rgb": .rgb
        default: .rgba
        }
        let pixels = (entry["pixels"] as! [NSNumber]).map { $0.uint8Value }
        return Image(width: entry["width"] as! Int, height: entry["height"] as! Int, format: format, pixels: pixels)
    }

    /// Reference resize output `key` (e.g. "bilinear 7x5") as Doubles.
    static func resizeReference(_ key: String) -> [Double] {
        let resize = expected["resize"] as! [String: Any]
        return (resize[key] as! [NSNumber]).map { $0.doubleValue }
    }
}

/// The largest absolute difference between two equally long sample arrays.
func maxDifference(_ a: [UInt8], _ b: [UInt8]) -> Int {
    precondition(a.count == b.count, "compared arrays differ in length: \(a.count) vs \(b.count)")
    return zip(a, b).map { abs(Int($0) - Int($1)) }.max() ?? 0
}

/// A reproducible pseudo-random image for property tests.
func randomImage(width: Int, height: Int, format: PixelFormat, seed: UInt64) -> Image {
    var generator = SeededGenerator(seed: seed)
    let pixels = (0..<(width * height * format.channels)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    return Image(width: width, height: height, format: format, pixels: pixels)
}
