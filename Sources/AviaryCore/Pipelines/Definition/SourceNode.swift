import AviaryJSON

/// A YAML or JSON document as the validator sees it: every node keeps the line and column it started
/// at, so that each problem can point at the exact place in the file. Built from Yams' nodes once
/// (see `PipelineSourceReader`) so that nothing past the reader depends on Yams.
public struct SourceNode: Sendable, Hashable {
    public enum Content: Sendable, Hashable {
        /// A scalar's text; `quoted` scalars are always strings, plain ones may be numbers, booleans or null.
        case scalar(String, quoted: Bool)
        case mapping([Entry])
        case sequence([SourceNode])
    }

    public struct Entry: Sendable, Hashable {
        public var key: SourceNode
        public var value: SourceNode
    }

    public var content: Content
    public var line: Int
    public var column: Int

    public init(_ content: Content, line: Int, column: Int) {
        self.content = content
        self.line = line
        self.column = column
    }

    /// The scalar as a typed value, resolved the way JSON and YAML 1.2's core schema do: `true`/`false`,
    /// integers, decimals and `null` when plain; anything quoted, and any other plain text, is a string.
    /// (YAML 1.1's `yes`, `no`, `on` and `off` stay strings.)
    public var scalarValue: JSONValue? {
        guard case .scalar(let text, let quoted) = content else { return nil }
        if quoted { return .string(text) }
        switch text {
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case "null", "Null", "NULL", "~", "": return .null
        default: break
        }
        if let int = Int(text) { return .int(int) }
        if text.contains(where: { $0.isNumber }), !text.contains(where: { $0.isLetter && $0 != "e" && $0 != "E" }),
           let double = Double(text), double.isFinite {
            return .double(double)
        }
        return .string(text)
    }

    /// The mapping's entries, nil for scalars and sequences.
    public var entries: [Entry]? {
        if case .mapping(let entries) = content { return entries }
        return nil
    }

    /// The sequence's items, nil for scalars and mappings.
    public var items: [SourceNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// The text of a scalar key or value.
    public var text: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    /// The value of `key` in a mapping.
    public subscript(key: String) -> SourceNode? {
        entries?.first { $0.key.text == key }?.value
    }

    /// The whole node as plain JSON.
    public var json: JSONValue {
        switch content {
        case .scalar: return scalarValue ?? .null
        case .mapping(let entries): return .object(JSONObject(entries.map { ($0.key.text ?? "", $0.value.json) }))
        case .sequence(let items): return .array(items.map(\.json))
        }
    }

    /// What kind of thing this is, for messages: "a string", "a mapping"…
    public var kindName: String {
        switch content {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar:
            switch scalarValue {
            case .bool?: return "a boolean"
            case .int?: return "an integer"
            case .double?: return "a number"
            case .null?: return "null"
            default: return "a string"
            }
        }
    }
}
