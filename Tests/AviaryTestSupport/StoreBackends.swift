import AviaryStore
import Foundation

/// The metadata backends the contract tests run against. A PostgreSQL case joins this list when that
/// backend exists, and every contract test then runs against it unchanged.
public enum MetadataBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite

    public var description: String { rawValue }

    /// A new, empty store of this kind, living inside `directory`.
    public func makeStore(in directory: TemporaryDirectory) throws -> any MetadataStore {
        switch self {
        case .sqlite: try SQLiteMetadataStore(path: directory.file("aviary.sqlite").path)
        }
    }
}

/// The blob backends the contract tests run against.
public enum BlobBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case fileSystem

    public var description: String { rawValue }

    public func makeStore(in directory: TemporaryDirectory) throws -> any BlobStore {
        switch self {
        case .fileSystem: try FileSystemBlobStore(root: directory.file("blobs"))
        }
    }
}
