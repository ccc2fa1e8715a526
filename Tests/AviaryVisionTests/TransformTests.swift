import Testing
@testable import AviaryVision

@Suite("Transforms")
struct TransformTests {
    @Test func centreCropPlacementFollowsTorchvision() {
        // (341 − 224) / 2 = 58.5 rounds to even → 58; (375 − 224) / 2 = 75.5 → 76.
        #expect(Image.centerCropRect(of: Size(width: 341, height: 256), size: Size(width: 224, height: 224))
                == PixelRect(x: 58, y: 16, width: 224, height: 224))
        #expect(Image.centerCropRect(of: Size(width: 375, height: 500), size: Size(width: 224, height: 224))
                == PixelRect(x: 76, y: 138, width: 224, height: 224))
        #expect(Image.sizeScaling(Size(width: 500, height: 375), shorterSide: 256) == Size(width: 341, height: 256))
        #expect(Image.sizeScaling(Size(width: 28, height: 28), shorterSide: 128) == Size(width: 128, height: 128))
    }

    @Test func cropAndFlipMoveTheRightPixels() {
        let image = Image(width: 3, height: 2, format: .gray, pixels: [1, 2, 3, 4, 5, 6])
        #expect(image.cropped(to: PixelRect(x: 1, y: 0, width: 2, height: 2)).pixels == [2, 3, 5, 6])
        #expect(image.flippedHorizontally().pixels == [3, 2, 1, 6, 5, 4])
        #expect(image.centerCropped(to: Size(width: 1, height: 2)).pixels == [2, 5])
    }

    @Test func formatConversions() {
        let gray = Image(width: 2, height: 1, format: .gray, pixels: [7, 200])
        #expect(gray.converted(to: .rgb).pixels == [7, 7, 7, 200, 200, 200])
        #expect(gray.converted(to: .rgba).pixels == [7, 7, 7, 255, 200, 200, 200, 255])
        let rgb = Image(width: 1, height: 1, format: .rgb, pixels: [100, 150, 200])
        #expect(rgb.converted(to: .gray).pixels == [141])  // 29.9 + 88.05 + 22.8 = 140.75
        #expect(rgb.converted(to: .rgba).converted(to: .rgb) == rgb)
    }

    @Test func colourJitterFollowsTorchvisionFormulas() {
        let image = Image(width: 2, height: 1, format: .rgb, pixels: [100, 150, 200, 50, 60, 70])
        // Brightness 1.2 → (120, 180, 240), (60, 72, 84); luma truncated 168 and 69, mean 118.5;
        // contrast 0.5 → (119.25, 149.25, 179.25), (89.25, 95.25, 101.25).
        #expect(ColorJitter.adjust(image, brightness: 1.2, contrast: 0.5, saturation: 1).pixels == [119, 149, 179, 89, 95, 101])
        // Saturation 0 → each pixel's luma: 143.70 and 94.14.
        #expect(ColorJitter.adjust(image, brightness: 1.2, contrast: 0.5, saturation: 0).pixels == [144, 144, 144, 94, 94, 94])
        #expect(ColorJitter.adjust(image, brightness: 3, contrast: 1, saturation: 1).pixels == [255, 255, 255, 150, 180, 210])
    }

    @Test func hueRotatesAroundTheColourWheelAndLeavesGraysAlone() {
        // Red turned a third of the wheel is green, half of it cyan; (200, 100, 50) sits at 20°,
        // and 60° more puts it at 80°: value 200, saturation 0.75, so red falls to 150.
        let image = Image(width: 3, height: 1, format: .rgb, pixels: [255, 0, 0, 200, 100, 50, 90, 90, 90])
        #expect(ColorJitter.adjust(image, brightness: 1, contrast: 1, saturation: 1, hue: 1.0 / 3).pixels
            == [0, 255, 0, 50, 200, 100, 90, 90, 90])
        #expect(ColorJitter.adjust(image, brightness: 1, contrast: 1, saturation: 1, hue: 0.5).pixels
            == [0, 255, 255, 50, 150, 200, 90, 90, 90])
        #expect(ColorJitter.adjust(image, brightness: 1, contrast: 1, saturation: 1, hue: 1.0 / 6).pixels
            == [255, 255, 0, 150, 200, 50, 90, 90, 90])
        #expect(ColorJitter.adjust(image, brightness: 1, contrast: 1, saturation: 1, hue: -1.0 / 6).pixels
            == [255, 0, 255, 200, 50, 150, 90, 90, 90])
    }

    @Test func jitterFactorsStayInRangeAndRepeat() {
        let jitter = ColorJitter(brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1)
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9)
        for _ in 0..<100 {
            let f = jitter.factors(using: &a)
            #expect((0.6..<1.4).contains(f.brightness) && (0.6..<1.4).contains(f.contrast) && (0.6..<1.4).contains(f.saturation))
            #expect((-0.1..<0.1).contains(f.hue))
            #expect(jitter.factors(using: &b) == f)
        }
    }

    @Test func normalisationIsPlanarAndExact() {
        let image = Image(width: 2, height: 1, format: .rgb, pixels: [255, 0, 51, 0, 255, 102])
        let values = image.planarFloats(Normalization(mean: [0.5, 0.5, 0.2], std: [0.5, 0.5, 0.2]))
        #expect(values.count == 6)
        let expected: [Float] = [1, -1, -1, 1, 0, 1]  // R plane, G plane, B plane
        #expect(zip(values, expected).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test func randomResizedCropStaysInsideAndRepeats() {
        let transform = RandomResizedCrop(size: Size(width: 16, height: 16))
        let imageSize = Size(width: 60, height: 40)
        for seed in 0..<200 as Range<UInt64> {
            var a = SeededGenerator(seed: seed), b = SeededGenerator(seed: seed)
            let rect = transform.region(for: imageSize, using: &a)
            #expect(rect == transform.region(for: imageSize, using: &b))
            #expect(rect.x >= 0 && rect.y >= 0 && rect.x + rect.width <= 60 && rect.y + rect.height <= 40)
            let area = Double(rect.width * rect.height) / 2400
            let ratio = Double(rect.width) / Double(rect.height)
            // Rounding w and h to integers can push area and ratio slightly past the bounds.
            #expect(area > 0.06 && area <= 1)
            #expect(ratio > 0.6 && ratio < 1.6)
        }
    }

    @Test func randomResizedCropFallsBackToTheCentre() {
        // A 100×10 strip cannot hold any crop with ratio ≤ 4/3 covering ≥ 90 %: ten misses, then the
        // widest allowed central crop: w = round(10 · 4/3) = 13.
        let transform = RandomResizedCrop(size: Size(width: 8, height: 8), scale: 0.9...1)
        var generator = SeededGenerator(seed: 1)
        #expect(transform.region(for: Size(width: 100, height: 10), using: &generator) == PixelRect(x: 43, y: 0, width: 13, height: 10))
        let image = randomImage(width: 100, height: 10, format: .rgb, seed: 2)
        #expect(transform.apply(to: image, using: &generator).size == Size(width: 8, height: 8))
    }

    @Test func pipelineHintsDCTScalingFromItsFirstStep() {
        #expect(ImagePipeline.evaluation().decodeOptions.minimumSize == Size(width: 256, height: 256))
        #expect(ImagePipeline(steps: [.randomResizedCrop(RandomResizedCrop(size: Size(width: 8, height: 8)))])
            .decodeOptions.minimumSize == nil)
    }

    @Test func seededGeneratorIsStable() {
        var generator = SeededGenerator(seed: 0)
        // SplitMix64's published first output for seed 0.
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(SeededGenerator(seed: 1, stream: 2, index: 3) == SeededGenerator(seed: 1, stream: 2, index: 3))
        #expect(SeededGenerator(seed: 1, stream: 2, index: 3) != SeededGenerator(seed: 1, stream: 2, index: 4))
    }
}
