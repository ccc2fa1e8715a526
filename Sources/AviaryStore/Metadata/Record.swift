import Foundation

/// One piece of metadata: a JSON document of some kind, under an id, with the blobs it points to.
///
/// Keeping the body as JSON lets every domain (datasets, runs, models…) store its own types through one
/// protocol, while the blob references stay explicit columns that `fsck` and garbage collection can
/// follow without understanding each kind.
public struct Record: Hashable, Sendable {
    public var kind: String
    public var id: String
    /// The document, as UTF-8 JSON.
    public var body: Data
    public var blobs: [BlobID]
    public var createdAt: Date
    public var updatedAt: Date
    /// How many times the record has been written: 1 when first stored. Set by the store on read;
    /// ignored on write. A `RecordPrecondition` compares against it.
    public var revision: Int = 0

    public init(kind: String, id: String, body: Data, blobs: [BlobID] = [], createdAt: Date = Date(), updatedAt: Date? = nil) {
        self.kind = kind
        self.id = id
        self.body = body
        self.blobs = blobs
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
    }

    /// Encodes a value as the body, with sorted keys so that equal values give equal bytes.
    public init(kind: String, id: String, value: some Encodable, blobs: [BlobID] = [], createdAt: Date = Date()) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        do {
            self.init(kind: kind, id: id, body: try encoder.encode(value), blobs: blobs, createdAt: createdAt)
        } catch {
            throw StoreError.recordCoding(kind: kind, id: id, detail: "\(error)")
        }
    }

    /// Decodes the body as a value of type `T`.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(type, from: body)
        } catch {
            throw StoreError.recordCoding(kind: kind, id: id, detail: "\(error)")
        }
    }
}
