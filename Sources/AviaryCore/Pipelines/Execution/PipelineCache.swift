import AviaryJSON
import AviaryStore
import Crypto
import Foundation

/// A step result that later runs may reuse (`pipeline.cache` records, id = the key).
public struct PipelineCacheEntry: Codable, Sendable, Equatable {
    public static let recordKind = "pipeline.cache"

    public var key: String
    public var kind: PipelineStepKind
    public var outputs: [String: JSONValue]
    public var artifacts: [BlobID]
    /// The run and step that computed it: `RUN/STEP`.
    public var source: String
    public var createdAt: Date

    /// Whether the entry may still be used at `now` under `policy`.
    public func isFresh(at now: Date, policy: CachePolicy) -> Bool {
        guard let expireAfter = policy.expireAfter else { return true }
        return now.timeIntervalSince(createdAt) <= expireAfter
    }
}

/// The cache key: SHA-256 of the step's kind and its inputs as content (dataset version ids, blob ids,
/// the hashes of code files), never of names that could point at other content tomorrow. Settings that
/// do not change the result (timeouts, retries, the step's name) are not part of it.
public enum PipelineCacheKey {
    /// Bumped when what a key covers changes, so old entries stop matching.
    public static let version = 1

    public static func key(kind: PipelineStepKind, content: JSONValue) -> String {
        let document = JSONValue.object(JSONObject([
            ("version", .int(version)), ("kind", .string(kind.rawValue)), ("inputs", canonical(content)),
        ]))
        let digest = SHA256.hash(data: Data(document.serialized().utf8))
        return digest.map { String(format: "%02x", $0) }.joined()
    }

    /// Objects with sorted keys, integers that are whole doubles as integers: equal inputs, equal bytes.
    static func canonical(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            return .object(JSONObject(object.map { ($0.key, canonical($0.value)) }.sorted { $0.0 < $1.0 }))
        case .array(let items):
            return .array(items.map(canonical))
        case .double(let number) where number == number.rounded() && abs(number) < 1e15:
            return .int(Int(number))
        default:
            return value
        }
    }
}
