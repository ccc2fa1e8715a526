import AviaryJSON
/// What a path found: one value (definite paths), a list (indefinite paths, possibly empty),
/// or nothing, with Jayway's explanation for AWS's error messages.
public enum PathResult: Sendable, Equatable {
    case value(JSONValue)
    case list([JSONValue])
    case missing(reason: String)

    /// The value as Parameters and OutputPath see it: lists become arrays.
    public var asValue: JSONValue? {
        switch self {
        case .value(let v): return v
        case .list(let l): return .array(l)
        case .missing: return nil
        }
    }
}

extension JSONPath {
    /// Reads this path from `input`, or from `context` for `$$` paths. With `indexPastEndIsNull`,
    /// an array index beyond the end in the last step reads as null, as AWS resolves Parameters.
    public func evaluate(_ input: JSONValue, context: JSONValue = .null, indexPastEndIsNull: Bool = false) -> PathResult {
        let root = isContextPath ? context : input
        if isDefinite { return evaluateDefinite(root, indexPastEndIsNull: indexPastEndIsNull) }
        var results: [JSONValue] = []
        JSONPath.collect(segments[...], from: root, root: root, into: &results)
        return .list(results)
    }

    private func evaluateDefinite(_ root: JSONValue, indexPastEndIsNull: Bool) -> PathResult {
        var current = root
        for (i, segment) in segments.enumerated() {
            let isLeaf = i == segments.count - 1
            let next: JSONValue?
            switch segment {
            case .key(let k): next = current[k]
            case .index(let n):
                if case .array(let a) = current {
                    let idx = n < 0 ? a.count + n : n
                    next = a.indices.contains(idx) ? a[idx] : nil
                } else {
                    next = nil
                }
            case .length:
                switch current {
                case .array(let a): next = .int(a.count)
                case .string(let s): next = .int(s.count)
                case .object(let o): next = .int(o.count)
                default: next = nil
                }
            default: next = nil
            }
            guard let found = next else {
                if isLeaf, indexPastEndIsNull, case .index = segment, current.arrayValue != nil { return .value(.null) }
                if isLeaf || current.objectValue == nil && current.arrayValue == nil {
                    return .missing(reason: "No results for path: \(normalized())")
                }
                return .missing(reason: "Missing property in path \(normalized(prefix: i + 1))")
            }
            current = found
        }
        return .value(current)
    }

    static func collect(_ segments: ArraySlice<Segment>, from value: JSONValue, root: JSONValue, into out: inout [JSONValue]) {
        guard let segment = segments.first else {
            out.append(value)
            return
        }
        let rest = segments.dropFirst()
        switch segment {
        case .key(let k):
            if let v = value[k] { collect(rest, from: v, root: root, into: &out) }
        case .keys(let ks):
            for k in ks { if let v = value[k] { collect(rest, from: v, root: root, into: &out) } }
        case .index(let n):
            if case .array(let a) = value {
                let idx = n < 0 ? a.count + n : n
                if a.indices.contains(idx) { collect(rest, from: a[idx], root: root, into: &out) }
            }
        case .union(let ns):
            if case .array(let a) = value {
                for n in ns {
                    let idx = n < 0 ? a.count + n : n
                    if a.indices.contains(idx) { collect(rest, from: a[idx], root: root, into: &out) }
                }
            }
        case .wildcard:
            for child in children(of: value) { collect(rest, from: child, root: root, into: &out) }
        case .slice(let start, let end, let step):
            guard case .array(let a) = value else { return }
            for idx in sliceIndices(count: a.count, start: start, end: end, step: step) {
                collect(rest, from: a[idx], root: root, into: &out)
            }
        case .deepScan(let key):
            deepScan(value, key: key, rest: rest, root: root, into: &out)
        case .filter(let predicate):
            let candidates: [JSONValue]
            if case .array(let a) = value { candidates = a } else { candidates = [value] }
            for candidate in candidates where predicate.matches(candidate, root: root) {
                collect(rest, from: candidate, root: root, into: &out)
            }
        case .length:
            if case .array(let a) = value { collect(rest, from: .int(a.count), root: root, into: &out) }
        }
    }

    private static func deepScan(_ value: JSONValue, key: String?, rest: ArraySlice<Segment>, root: JSONValue, into out: inout [JSONValue]) {
        if let key {
            if let v = value[key] { collect(rest, from: v, root: root, into: &out) }
        } else {
            for child in children(of: value) { collect(rest, from: child, root: root, into: &out) }
        }
        for child in children(of: value) { deepScan(child, key: key, rest: rest, root: root, into: &out) }
    }

    static func children(of value: JSONValue) -> [JSONValue] {
        switch value {
        case .array(let a): return a
        case .object(let o): return o.map { $0.value }
        default: return []
        }
    }

    static func sliceIndices(count: Int, start: Int?, end: Int?, step: Int?) -> [Int] {
        let step = max(step ?? 1, 1)
        func clamp(_ v: Int) -> Int { v < 0 ? max(count + v, 0) : min(v, count) }
        let from = clamp(start ?? 0)
        let to = clamp(end ?? count)
        guard from < to else { return [] }
        return Array(stride(from: from, to: to, by: step))
    }
}
