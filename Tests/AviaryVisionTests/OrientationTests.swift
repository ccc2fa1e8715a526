import Testing
@testable import AviaryVision

@Suite("EXIF orientation")
struct OrientationTests {
    /// The upright fixture: red, green / blue, white quadrants of a 48×32 image.
    private let quadrants: [(x: Int, y: Int, colour: [Int])] = [
        (12, 8, [230, 20, 20]), (36, 8, [20, 230, 20]), (12, 24, [20, 20, 230]), (36, 24, [240, 240, 240]),
    ]

    @Test("all 8 orientations, both byte orders, come out upright",
          arguments: EXIFOrientation.allCases, ["le", "be"])
    func upright(orientation: EXIFOrientation, byteOrder: String) throws {
        let name = "orientation-\(orientation.rawValue)-\(byteOrder).jpg"
        let bytes = try Fixtures.bytes(name)
        #expect(bytes.withUnsafeBytes { EXIFOrientation.read(fromJPEG: $0) } == orientation)
        let image = try Fixtures.decode(name)
        #expect(image.size == Size(width: 48, height: 32))
        for quadrant in quadrants {
            let pixel = image.pixel(x: quadrant.x, y: quadrant.y).map(Int.init)
            #expect(zip(pixel, quadrant.colour).allSatisfy { abs($0 - $1) <= 16 }, "\(name) at \(quadrant)")
        }
    }

    @Test func orientationCanBeIgnored() throws {
        let image = try Fixtures.decode("orientation-6-le.jpg", options: DecodeOptions(appliesOrientation: false))
        #expect(image.size == Size(width: 32, height: 48))
    }

    @Test func orientationMapsEachStoredPixel() {
        // Stored 3×2: a b c / d e f.
        let stored = Image(width: 3, height: 2, format: .gray, pixels: [1, 2, 3, 4, 5, 6])
        let expected: [EXIFOrientation: (Int, Int, [UInt8])] = [
            .up: (3, 2, [1, 2, 3, 4, 5, 6]), .upMirrored: (3, 2, [3, 2, 1, 6, 5, 4]),
            .down: (3, 2, [6, 5, 4, 3, 2, 1]), .downMirrored: (3, 2, [4, 5, 6, 1, 2, 3]),
            .leftMirrored: (2, 3, [1, 4, 2, 5, 3, 6]), .right: (2, 3, [4, 1, 5, 2, 6, 3]),
            .rightMirrored: (2, 3, [6, 3, 5, 2, 4, 1]), .left: (2, 3, [3, 6, 2, 5, 1, 4]),
        ]
        for (orientation, (width, height, pixels)) in expected {
            #expect(stored.applying(orientation) == Image(width: width, height: height, format: .gray, pixels: pixels),
                    "\(orientation)")
        }
    }

    @Test func dctScalingAccountsForRotation() throws {
        // Orientation 6 stores 32×48; asking for an upright 24×16 allows 1/2 (16×24 stored → 24×16 upright).
        let image = try Fixtures.decode("orientation-6-le.jpg", options: DecodeOptions(minimumSize: Size(width: 24, height: 16)))
        #expect(image.size == Size(width: 24, height: 16))
    }

    @Test func malformedExifIsIgnored() {
        // APP1 "Exif" with an unknown byte order.
        let bytes: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x10] + Array("Exif".utf8) + [0, 0, 0x41, 0x41, 0, 42, 0, 0, 0, 8]
            + [0xFF, 0xD9]
        #expect(bytes.withUnsafeBytes { EXIFOrientation.read(fromJPEG: $0) } == .up)
    }
}
