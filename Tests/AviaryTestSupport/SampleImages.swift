import AviaryVision
import Foundation

/// Real, small, distinct images made with the real encoders, for tests that need many images.
public enum SampleImages {
    /// A `width`×`height` RGB image whose pixels follow from `seed`, so different seeds give different files.
    public static func image(seed: Int, width: Int = 16, height: Int = 12) -> Image {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for index in pixels.indices { pixels[index] = UInt8(truncatingIfNeeded: (index &* 31) ^ (seed &* 97) &+ seed) }
        return Image(width: width, height: height, format: .rgb, pixels: pixels)
    }

    public static func png(seed: Int, width: Int = 16, height: Int = 12) throws -> Data {
        Data(try ImageDecoder().encodePNG(image(seed: seed, width: width, height: height)))
    }

    public static func jpeg(seed: Int, width: Int = 16, height: Int = 12) throws -> Data {
        Data(try ImageDecoder().encodeJPEG(image(seed: seed, width: width, height: height), quality: 90))
    }

    /// A file from the vision tests' fixtures (broken and odd images made by their committed script).
    public static func fixture(_ name: String) throws -> Data {
        try Data(contentsOf: PackagePaths.root.appendingPathComponent("Tests/AviaryVisionTests/Fixtures/\(name)"))
    }
}
