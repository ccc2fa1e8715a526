import Testing
@testable import AviaryVision

@Suite("JPEG decoding")
struct JPEGDecodingTests {
    @Test("baseline, progressive and gray photos match Pillow's decode", arguments: [
        ("photo-baseline.jpg", PixelFormat.rgb), ("photo-progressive.jpg", .rgb), ("photo-gray.jpg", .gray),
    ])
    func matchesPillow(name: String, format: PixelFormat) throws {
        let ours = try Fixtures.decode(name)
        let pillow = try Fixtures.decode(name.replacingOccurrences(of: ".jpg", with: ".pillow.png"))
        #expect(ours.format == format)
        #expect(ours.size == Size(width: 120, height: 80))
        // Same libjpeg-turbo algorithms (islow IDCT, fancy upsampling); versions may differ by one step.
        #expect(maxDifference(ours.pixels, pillow.pixels) <= 2)
    }

    @Test func cmykBecomesRGBLikePillow() throws {
        let ours = try Fixtures.decode("photo-cmyk.jpg")
        let pillow = try Fixtures.decode("photo-cmyk.pillow.png")
        #expect(ours.format == .rgb)
        #expect(maxDifference(ours.pixels, pillow.pixels) <= 2)
    }

    @Test func grayCanBeAskedForAsRGB() throws {
        let image = try Fixtures.decode("photo-gray.jpg", options: DecodeOptions(color: .rgb))
        #expect(image.format == .rgb)
        #expect(image.pixel(x: 10, y: 10)[0] == image.pixel(x: 10, y: 10)[2])
    }

    @Test("DCT scaling picks the smallest power-of-two factor that still covers the target", arguments: [
        (Size(width: 100, height: 75), Size(width: 100, height: 75)),   // 1/2
        (Size(width: 101, height: 75), Size(width: 200, height: 150)),  // 1/2 is 100 wide: too small
        (Size(width: 50, height: 30), Size(width: 50, height: 38)),     // 1/4
        (Size(width: 10, height: 10), Size(width: 25, height: 19)),     // 1/8
    ])
    func dctScaling(minimum: Size, decoded: Size) throws {
        let image = try Fixtures.decode("photo-200x150.jpg", options: DecodeOptions(minimumSize: minimum))
        #expect(image.size == decoded)
    }

    @Test func fractionalScalingUsesMOver8() {
        let factor = JPEGScaleFactor.choose(width: 500, height: 375, minimum: Size(width: 256, height: 256), fractional: true)
        #expect(factor == JPEGScaleFactor(numerator: 3, denominator: 4))
        let powerOfTwo = JPEGScaleFactor.choose(width: 500, height: 375, minimum: Size(width: 256, height: 256), fractional: false)
        #expect(powerOfTwo == .full)
        #expect(JPEGScaleFactor(numerator: 1, denominator: 8).scaled(375) == 47)  // rounds up, like TJSCALED
    }

    @Test func scaledDecodeStaysCloseToFullDecodeThenResize() throws {
        let scaled = try Fixtures.decode("photo-200x150.jpg", options: DecodeOptions(minimumSize: Size(width: 100, height: 75)))
        let full = try Fixtures.decode("photo-200x150.jpg").resized(to: Size(width: 100, height: 75), filter: .area)
        let meanError = zip(scaled.pixels, full.pixels).map { abs(Double($0) - Double($1)) }.reduce(0, +) / Double(full.pixels.count)
        #expect(meanError < 4)
    }
}
