import AviaryJSON
/// A compiled JSONPath in the dialect Step Functions accepts (Jayway's): `$`, `.name`,
/// `['name']`, `[n]`, `[*]`, `[a:b]`, `[i,j]`, `..name` and `[?(@.x == 1)]` filters.
/// Paths beginning with `$$` address the context object instead of the state input.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    enum Segment: Sendable, Hashable {
        case key(String)
        case index(Int)
        case wildcard
        case slice(start: Int?, end: Int?, step: Int?)
        case union([Int])
        case keys([String])
        case deepScan(String?)
        case filter(FilterExpression)
        case length
    }

    /// The path as written in the definition.
    public let text: String
    /// True for `$$…` paths, which read the context object.
    public let isContextPath: Bool
    let segments: [Segment]

    public var description: String { text }

    /// A definite path names at most one value; Jayway returns indefinite paths as lists.
    var isDefinite: Bool {
        segments.allSatisfy {
            switch $0 {
            case .key, .index, .length: return true
            default: return false
            }
        }
    }

    public init(_ text: String) throws(PathSyntaxError) {
        self.text = text
        var body = Substring(text)
        if body.hasPrefix("$$") {
            isContextPath = true
            body = body.dropFirst(2)
        } else if body.hasPrefix("$") {
            isContextPath = false
            body = body.dropFirst()
        } else {
            throw PathSyntaxError(path: text, reason: "a path must begin with '$'")
        }
        var parser = JSONPathParser(text: text, rest: body)
        segments = try parser.parseSegments()
    }

    /// Jayway's normalised spelling (`$['a'][0]`) of the first `count` segments, used in AWS's messages.
    func normalized(prefix count: Int? = nil) -> String {
        var out = "$"
        for segment in segments.prefix(count ?? segments.count) {
            switch segment {
            case .key(let k): out += "['\(k)']"
            case .index(let i): out += "[\(i)]"
            case .wildcard: out += "[*]"
            case .slice(let s, let e, _): out += "[\(s.map(String.init) ?? ""):\(e.map(String.init) ?? "")]"
            case .union(let idx): out += "[" + idx.map(String.init).joined(separator: ",") + "]"
            case .keys(let ks): out += "[" + ks.map { "'\($0)'" }.joined(separator: ",") + "]"
            case .deepScan(let k): out += ".." + (k.map { "['\($0)']" } ?? "[*]")
            case .filter: out += "[?]"
            case .length: out += ".length()"
            }
        }
        return out
    }
}

/// A path that does not parse, with the reason; the validator reports it against its field.
public struct PathSyntaxError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let reason: String
    public var description: String { "invalid JSONPath '\(path)': \(reason)" }
}
