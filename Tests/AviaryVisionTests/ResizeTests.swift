import Testing
@testable import AviaryVision

@Suite("Resize")
struct ResizeTests {
    static let sizes = [Size(width: 7, height: 5), Size(width: 20, height: 17), Size(width: 13, height: 6), Size(width: 5, height: 11)]

    /// Largest difference between our 8-bit output and a Float reference.
    private func error(_ image: Image, _ reference: [Double]) -> Double {
        zip(image.pixels, reference).map { abs(Double($0) - $1) }.max() ?? 0
    }

    @Test("bilinear matches PyTorch interpolate(align_corners=False)", arguments: sizes)
    func bilinearMatchesPyTorch(size: Size) throws {
        let pattern = try Fixtures.decode("pattern.png")
        let key = "\(size.width)x\(size.height)"
        #expect(error(pattern.resized(to: size, filter: .bilinear), Fixtures.resizeReference("bilinear " + key)) <= 0.5 + 1e-3)
        #expect(error(pattern.resizedReference(to: size, filter: .bilinear), Fixtures.resizeReference("bilinear " + key)) <= 0.5 + 1e-9)
    }

    @Test("antialiased matches Pillow BILINEAR and PyTorch antialias=True", arguments: sizes)
    func antialiasedMatchesPillow(size: Size) throws {
        let pattern = try Fixtures.decode("pattern.png")
        let key = "\(size.width)x\(size.height)"
        let ours = pattern.resized(to: size, filter: .antialiased)
        #expect(error(ours, Fixtures.resizeReference("torch-antialiased " + key)) <= 0.5 + 1e-3)
        // Pillow works in fixed point with an 8-bit intermediate row: one step of slack.
        #expect(error(ours, Fixtures.resizeReference("pillow-antialiased " + key)) <= 1)
    }

    @Test("area matches PyTorch adaptive_avg_pool2d", arguments: sizes.filter { $0.width <= 13 && $0.height <= 11 })
    func areaMatchesPyTorch(size: Size) throws {
        let pattern = try Fixtures.decode("pattern.png")
        let key = "area \(size.width)x\(size.height)"
        #expect(error(pattern.resized(to: size, filter: .area), Fixtures.resizeReference(key)) <= 0.5 + 1e-3)
    }

    @Test("separable fast path equals the per-pixel reference", arguments: ResizeFilter.allCases, [PixelFormat.gray, .rgb, .rgba])
    func fastMatchesReference(filter: ResizeFilter, format: PixelFormat) {
        let image = randomImage(width: 37, height: 29, format: format, seed: 11)
        for size in [Size(width: 11, height: 8), Size(width: 37, height: 29), Size(width: 50, height: 41), Size(width: 5, height: 29)] {
            let fast = image.resized(to: size, filter: filter)
            let reference = image.resizedReference(to: size, filter: filter)
            // Float32 accumulation against Double: at most a rounding step apart.
            #expect(maxDifference(fast.pixels, reference.pixels) <= 1, "\(filter) \(format) \(size)")
        }
    }

    @Test func fusedCropEqualsResizeThenCrop() {
        let image = randomImage(width: 50, height: 37, format: .rgb, seed: 5)
        let size = Size(width: 34, height: 25)
        let rect = PixelRect(x: 5, y: 2, width: 22, height: 20)
        for filter in ResizeFilter.allCases {
            #expect(image.resized(to: size, filter: filter, keeping: rect) == image.resized(to: size, filter: filter).cropped(to: rect))
        }
    }

    @Test func constantImageStaysConstant() {
        let image = Image(width: 31, height: 23, format: .rgb, filledWith: [200, 7, 255])
        for filter in ResizeFilter.allCases {
            let out = image.resized(to: Size(width: 9, height: 40), filter: filter)
            #expect(out == Image(width: 9, height: 40, format: .rgb, filledWith: [200, 7, 255]))
        }
    }
}
