import Testing
@testable import AviaryVision

@Suite("Encoders")
struct EncoderTests {
    @Test("PNG round-trips exactly", arguments: [PixelFormat.gray, .rgb, .rgba])
    func pngRoundTrip(format: PixelFormat) throws {
        let image = randomImage(width: 17, height: 9, format: format, seed: 3)
        let decoder = ImageDecoder()
        let bytes = try decoder.encodePNG(image)
        #expect(ImageFormat.sniff(bytes) == .png)
        #expect(try decoder.decode(bytes, name: "roundtrip", options: DecodeOptions(alpha: .keep)) == image)
    }

    @Test func jpegRoundTripIsClose() throws {
        let photo = try Fixtures.decode("photo-baseline.jpg")
        let decoder = ImageDecoder()
        let bytes = try decoder.encodeJPEG(photo, quality: 95)
        let again = try decoder.decode(bytes, name: "roundtrip")
        let meanError = zip(photo.pixels, again.pixels).map { abs(Double($0) - Double($1)) }.reduce(0, +) / Double(photo.pixels.count)
        #expect(again.size == photo.size)
        #expect(meanError < 3)
        #expect(try decoder.encodeJPEG(photo, quality: 30).count < bytes.count)
    }

    @Test func grayJPEGStaysGray() throws {
        let gray = try Fixtures.decode("photo-gray.jpg")
        let decoder = ImageDecoder()
        #expect(try decoder.decode(try decoder.encodeJPEG(gray), name: "gray").format == .gray)
    }

    @Test func badQualityIsAnError() {
        #expect(throws: ImageError.self) { _ = try ImageDecoder().encodeJPEG(randomImage(width: 2, height: 2, format: .rgb, seed: 1), quality: 0) }
    }
}
