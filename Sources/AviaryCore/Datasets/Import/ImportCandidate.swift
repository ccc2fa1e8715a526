import AviaryJSON
import Foundation

/// One image an import source offers, before it has been read or checked.
public struct ImportCandidate: Sendable {
    public enum Content: Sendable {
        /// A file on disk, read when the candidate is imported.
        case file(URL)
        /// Bytes already encoded by the source (IDX images become PNG files).
        case bytes(Data)
    }

    /// Where the image came from, as reported to the user: a path, or `manifest.jsonl:12`.
    public var origin: String
    /// A key that stays the same across runs, for resuming an interrupted import.
    public var key: String
    public var content: Content
    public var labels: [String]
    public var attributes: [String: JSONValue]?

    public init(origin: String, key: String, content: Content, labels: [String], attributes: [String: JSONValue]? = nil) {
        self.origin = origin
        self.key = key
        self.content = content
        self.labels = labels
        self.attributes = attributes
    }
}

/// Something that was not imported, and why. The rest of the import goes on.
public struct ImportProblem: Codable, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Codable, Sendable {
        /// The file named by the source does not exist.
        case missing
        /// The file is an image, but a broken one.
        case corrupt
        /// The file is not an image format Aviary reads.
        case unsupported
        /// The same image appeared earlier with the same labels; it is kept once.
        case duplicate
        /// The same image appeared earlier with other labels; the first labels are kept.
        case conflict
        /// The source's line or entry is malformed.
        case invalid
    }

    public var origin: String
    public var kind: Kind
    public var reason: String

    public init(origin: String, kind: Kind, reason: String) {
        self.origin = origin
        self.kind = kind
        self.reason = reason
    }

    public var description: String { "\(origin): \(kind.rawValue): \(reason)" }
}

/// What an import source yields: the candidates, problems found while reading the source itself, and
/// settings worth recording in the version's lineage.
public struct ImportListing: Sendable {
    public var candidates: [ImportCandidate]
    public var problems: [ImportProblem]
    public var parameters: [String: String]

    public init(candidates: [ImportCandidate], problems: [ImportProblem] = [], parameters: [String: String] = [:]) {
        self.candidates = candidates
        self.problems = problems
        self.parameters = parameters
    }
}

extension ImportListing {
    /// Adds another source's listing: several sources import into one version.
    public mutating func append(_ other: ImportListing) {
        candidates += other.candidates
        problems += other.problems
        for (key, value) in other.parameters {
            parameters[key] = parameters[key].map { $0 == value ? $0 : $0 + ";" + value } ?? value
        }
    }
}
