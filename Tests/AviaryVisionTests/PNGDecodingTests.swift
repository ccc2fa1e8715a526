import Testing
@testable import AviaryVision

@Suite("PNG decoding")
struct PNGDecodingTests {
    @Test("every colour type decodes to the documented 8-bit layout", arguments: [
        "gray8.png", "gray1.png", "gray-alpha.png", "rgb8.png", "rgba8.png", "palette.png", "palette-trns.png",
        "gray16.png", "rgb16.png", "rgb8-interlaced.png",
    ])
    func colourTypes(name: String) throws {
        let image = try Fixtures.decode(name)
        #expect(image == Fixtures.expectedImage(name))
    }

    @Test("alpha is kept on request", arguments: ["gray-alpha.png", "rgba8.png", "palette-trns.png"])
    func keepsAlpha(name: String) throws {
        let image = try Fixtures.decode(name, options: DecodeOptions(alpha: .keep))
        #expect(image == Fixtures.expectedImage(name + "#keep"))
    }

    @Test func sixteenBitRoundsToNearest() throws {
        // (128, 32895, 65535) → round(v·255/65535) = (0, 128, 255): 32895 sits just past a half step.
        let image = try Fixtures.decode("rgb16.png")
        #expect(image.pixel(x: 0, y: 0) == [0, 128, 255])
    }

    @Test func grayAsRGBReplicatesTheSample() throws {
        let gray = try Fixtures.decode("gray8.png")
        let rgb = try Fixtures.decode("gray8.png", options: DecodeOptions(color: .rgb))
        #expect(rgb == gray.converted(to: .rgb))
        #expect(rgb.pixel(x: 3, y: 2) == Array(repeating: gray.pixel(x: 3, y: 2)[0], count: 3))
    }
}
