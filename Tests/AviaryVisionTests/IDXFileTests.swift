import Foundation
import Testing
@testable import AviaryVision

@Suite("IDX files")
struct IDXFileTests {
    static let fashionMNIST = "/usr/share/datasets/fashion-mnist"
    static var hasFashionMNIST: Bool { FileManager.default.fileExists(atPath: fashionMNIST + "/t10k-labels-idx1-ubyte.gz") }

    private let images: [UInt8] = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3] + Array(1...12)

    @Test func readsRawImages() throws {
        let file = try IDXFile(bytes: images, name: "tiny")
        #expect(file.dimensions == [2, 2, 3])
        #expect(file.image(at: 1) == Image(width: 3, height: 2, format: .gray, pixels: [7, 8, 9, 10, 11, 12]))
    }

    @Test func rejectsBadMagicAndSizes() {
        #expect(throws: IDXError(source: "x", problem: .badMagic([1, 0, 8, 3]))) {
            _ = try IDXFile(bytes: [1] + images.dropFirst(), name: "x")
        }
        #expect(throws: IDXError(source: "x", problem: .unsupportedType(0x0D))) {
            _ = try IDXFile(bytes: [0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0], name: "x")
        }
        #expect(throws: IDXError(source: "x", problem: .sizeMismatch(dimensions: [2, 2, 3], expected: 12, actual: 11))) {
            _ = try IDXFile(bytes: Array(images.dropLast()), name: "x")
        }
        #expect(throws: IDXError(source: "x", problem: .tooShort(2))) { _ = try IDXFile(bytes: [0, 0], name: "x") }
    }

    @Test(.enabled(if: hasFashionMNIST)) func readsFashionMNIST() throws {
        let labels = try IDXFile(contentsOfFile: Self.fashionMNIST + "/t10k-labels-idx1-ubyte.gz")
        #expect(labels.dimensions == [10_000])
        #expect(Array(labels.data.prefix(5)) == [9, 2, 1, 1, 6])  // ankle boot, pullover, trouser, trouser, shirt
        let images = try IDXFile(contentsOfFile: Self.fashionMNIST + "/t10k-images-idx3-ubyte.gz")
        #expect(images.dimensions == [10_000, 28, 28])
        #expect(images.image(at: 0).size == Size(width: 28, height: 28))
    }

    @Test(.enabled(if: hasFashionMNIST)) func truncatedGzipIsReported() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.fashionMNIST + "/t10k-labels-idx1-ubyte.gz")))
        #expect(throws: IDXError.self) { _ = try IDXFile(bytes: Array(bytes.prefix(bytes.count / 2)), name: "half.gz") }
        do {
            _ = try IDXFile(bytes: Array(bytes.prefix(bytes.count / 2)), name: "half.gz")
        } catch let error as IDXError {
            #expect(error.description.hasPrefix("half.gz: gzip stream is damaged"))
        }
    }
}
