import Foundation
import AviaryJSON

extension JSONPath {
    /// ResultPath semantics: place `value` into `input` at this reference path, creating
    /// missing objects on the way. Only `.key` and `.index` segments are allowed.
    public func assign(_ value: JSONValue, into input: JSONValue) throws(ASLError) -> JSONValue {
        if segments.isEmpty { return value }
        return try JSONPath.assign(value, at: segments[...], into: input, path: self, whole: input)
    }

    private static func assign(
        _ value: JSONValue, at segments: ArraySlice<Segment>, into target: JSONValue, path: JSONPath, whole: JSONValue
    ) throws(ASLError) -> JSONValue {
        guard let segment = segments.first else { return value }
        let rest = segments.dropFirst()
        switch segment {
        case .key(let k):
            var object: JSONObject
            switch target {
            case .object(let o): object = o
            default: throw failure(path, whole)
            }
            let child = object[k] ?? .object(JSONObject())
            object[k] = try assign(value, at: rest, into: rest.isEmpty ? .null : child, path: path, whole: whole)
            return .object(object)
        case .index(let n):
            guard case .array(var a) = target, a.indices.contains(n) else { throw failure(path, whole) }
            a[n] = try assign(value, at: rest, into: a[n], path: path, whole: whole)
            return .array(a)
        default:
            throw failure(path, whole)
        }
    }

    private static func failure(_ path: JSONPath, _ input: JSONValue) -> ASLError {
        var e = ASLError(
            name: ErrorName.resultPathMatchFailure,
            cause: "Unable to apply ReferencePath \(path.text) to input \(input.serialized().quotedForJava)")
        e.needsStatePrefix = false
        return e
    }
}

extension String {
    /// Java's `"…"` with inner quotes escaped, as AWS quotes JSON inside messages.
    var quotedForJava: String {
        "\"" + replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
