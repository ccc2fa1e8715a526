import AviaryStore
import Foundation

/// A block of backbone features as one blob: which images, then their feature rows. Binary, because a
/// cache of 20,000 images × 1,280 floats is 100 MB that JSON would triple.
///
/// Layout (little-endian): `AVYFEAT1`, UInt32 count, UInt32 dimension, count × 64 ASCII hex digits
/// (the image blobs' SHA-256), count × dimension Float32.
struct FeatureChunk: Equatable {
    static let magic = Data("AVYFEAT1".utf8)

    var images: [BlobID]
    var dimension: Int
    /// Row-major, `images.count × dimension`.
    var values: [Float]

    func row(_ index: Int) -> ArraySlice<Float> {
        values[(index * dimension)..<((index + 1) * dimension)]
    }

    func encoded() -> Data {
        var data = Self.magic
        withUnsafeBytes(of: UInt32(images.count).littleEndian) { data.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(dimension).littleEndian) { data.append(contentsOf: $0) }
        for image in images { data.append(contentsOf: image.hex.utf8) }
        #if _endian(little)
        values.withUnsafeBytes { data.append(contentsOf: $0) }
        #else
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        #endif
        return data
    }

    init(images: [BlobID], dimension: Int, values: [Float]) {
        precondition(values.count == images.count * dimension, "feature rows do not match the images")
        self.images = images
        self.dimension = dimension
        self.values = values
    }

    /// Refuses anything that is not exactly a chunk, naming the blob: a damaged cache must be noticed,
    /// never trained on.
    init(decoding data: Data, id: BlobID) throws(TrainingError) {
        let bytes = [UInt8](data)
        func fail(_ detail: String) -> TrainingError { .corruptFeatureCache(chunk: id, detail: detail) }
        guard bytes.count >= 16, Data(bytes[0..<8]) == Self.magic else { throw fail("it does not start with AVYFEAT1") }
        func word(_ offset: Int) -> Int {
            Int(UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24)
        }
        let count = word(8), dimension = word(12)
        // Bounded by the size first, so that a damaged header cannot overflow the arithmetic.
        guard dimension > 0, count <= bytes.count / 64, dimension <= bytes.count / 4,
              bytes.count == 16 + count * 64 + count * dimension * 4 else {
            throw fail("\(bytes.count) bytes do not hold exactly \(count) rows of \(dimension) values")
        }
        var images: [BlobID] = []
        images.reserveCapacity(count)
        for index in 0..<count {
            let start = 16 + index * 64
            guard let image = try? BlobID(hex: String(decoding: bytes[start..<(start + 64)], as: UTF8.self)) else {
                throw fail("image \(index) is not a SHA-256 digest")
            }
            images.append(image)
        }
        let base = 16 + count * 64
        let values = data.withUnsafeBytes { raw in
            (0..<(count * dimension)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: base + $0 * 4, as: UInt32.self))) }
        }
        self.init(images: images, dimension: dimension, values: values)
    }
}
