import Testing
@testable import AviaryVision

@Suite("Broken and hostile files")
struct BrokenFileTests {
    private func failure(_ name: String) -> ImageError? {
        do {
            _ = try Fixtures.decode(name)
            return nil
        } catch let error as ImageError {
            return error
        } catch {
            return nil
        }
    }

    @Test("truncated files are reported as truncated, naming the file", arguments: ["broken-truncated.jpg", "broken-truncated.png"])
    func truncated(name: String) throws {
        let error = try #require(failure(name))
        guard case .truncated = error.reason else { Issue.record("expected truncated, got \(error)"); return }
        #expect(error.source == Fixtures.path(name))
        #expect(error.description.contains(name))
    }

    @Test("corrupt files are reported as corrupt", arguments: ["broken-corrupt.jpg", "broken-scan.jpg", "broken-corrupt.png"])
    func corrupt(name: String) throws {
        let error = try #require(failure(name))
        guard case .corrupt = error.reason else { Issue.record("expected corrupt, got \(error)"); return }
        #expect(error.description.contains("Re-export"))
    }

    @Test("decompression bombs stop at the pixel limit before allocating", arguments: ["bomb.png", "bomb.jpg"])
    func bombs(name: String) throws {
        let error = try #require(failure(name))
        #expect(error.reason == .tooManyPixels(width: name.hasSuffix("png") ? 100_000 : 60_000,
                                               height: name.hasSuffix("png") ? 100_000 : 60_000,
                                               limit: DecodeOptions.defaultMaxPixels))
    }

    @Test func extraneousBytesBeforeAMarkerAreTolerated() throws {
        #expect(try Fixtures.decode("extraneous-bytes.jpg") == Fixtures.decode("photo-baseline.jpg"))
    }

    @Test func pixelLimitIsConfigurable() throws {
        #expect(throws: ImageError.self) {
            _ = try Fixtures.decode("photo-baseline.jpg", options: DecodeOptions(maxPixels: 120 * 80 - 1))
        }
        #expect(try Fixtures.decode("photo-baseline.jpg", options: DecodeOptions(maxPixels: 120 * 80)).width == 120)
    }

    @Test func formatIsSniffedFromContentNotName() throws {
        #expect(try Fixtures.decode("png-named.jpg") == Fixtures.expectedImage("rgb8.png"))
        let gif = try #require(failure("actually-gif.png"))
        #expect(gif.reason == .unsupportedFormat(detail: "the content is GIF"))
        let text = try #require(failure("not-an-image.jpg"))
        #expect(text.reason == .unsupportedFormat(detail: "the content is neither JPEG nor PNG"))
    }

    @Test func emptyAndMissingFiles() throws {
        #expect(throws: ImageError(source: "empty", reason: .truncated(detail: "the file is empty"))) {
            _ = try ImageDecoder().decode([UInt8](), name: "empty")
        }
        let missing = try #require(failure("no-such-file.jpg"))
        guard case .unreadable = missing.reason else { Issue.record("expected unreadable, got \(missing)"); return }
    }

    @Test func everyPrefixOfAFileFailsCleanly() throws {
        // Cutting a file anywhere must give an error or (past the last scan) an image, never a crash.
        let jpeg = try Fixtures.bytes("photo-baseline.jpg"), png = try Fixtures.bytes("rgb8.png")
        let decoder = ImageDecoder()
        for (bytes, name) in [(jpeg, "jpeg"), (png, "png")] {
            for length in stride(from: 1, to: bytes.count, by: 97) {
                #expect(throws: ImageError.self) { _ = try decoder.decode(Array(bytes[0..<length]), name: name) }
            }
        }
    }

    @Test func flippedBytesNeverCrash() throws {
        // Damage anywhere must end in an error or some image, never a trap or a longjmp into Swift.
        let decoder = ImageDecoder()
        for name in ["photo-baseline.jpg", "photo-progressive.jpg", "rgb8.png", "palette-trns.png", "rgb16.png"] {
            let original = try Fixtures.bytes(name)
            for position in stride(from: 0, to: original.count, by: max(1, original.count / 300)) {
                var damaged = original
                damaged[position] ^= 0x5A
                _ = try? decoder.decode(damaged, name: name)
            }
        }
    }
}
