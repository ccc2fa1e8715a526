import AviaryJSON
/// The predicate inside `[?( … )]`: comparisons of `@`-relative paths with literals, joined by
/// `&&` and `||`, or a bare `@.field` that tests existence — what Jayway filters offer ASL users.
indirect enum FilterExpression: Sendable, Hashable {
    enum Operand: Sendable, Hashable {
        case current([JSONPath.Segment])
        case root([JSONPath.Segment])
        case literal(JSONValue)
    }

    enum Comparison: String, Sendable, Hashable, CaseIterable {
        case equal = "==", notEqual = "!=", lessOrEqual = "<=", greaterOrEqual = ">=", less = "<", greater = ">"
    }

    case exists(Operand)
    case compare(Operand, Comparison, Operand)
    case and(FilterExpression, FilterExpression)
    case or(FilterExpression, FilterExpression)
    case not(FilterExpression)

    static func parse(_ text: String, path: String) throws(PathSyntaxError) -> FilterExpression {
        let trimmed = text.trimmingSpaces()
        if let (lhs, rhs) = split(trimmed, on: "||") {
            return .or(try parse(lhs, path: path), try parse(rhs, path: path))
        }
        if let (lhs, rhs) = split(trimmed, on: "&&") {
            return .and(try parse(lhs, path: path), try parse(rhs, path: path))
        }
        if trimmed.hasPrefix("(") && trimmed.hasSuffix(")") {
            return try parse(String(trimmed.dropFirst().dropLast()), path: path)
        }
        if trimmed.hasPrefix("!") {
            return .not(try parse(String(trimmed.dropFirst()), path: path))
        }
        for op in Comparison.allCases {
            if let (lhs, rhs) = split(trimmed, on: op.rawValue) {
                return .compare(try operand(lhs, path: path), op, try operand(rhs, path: path))
            }
        }
        return .exists(try operand(trimmed, path: path))
    }

    /// Splits at the first top-level (unquoted, unparenthesised) occurrence of `token`.
    private static func split(_ text: String, on token: String) -> (String, String)? {
        let chars = Array(text)
        let tok = Array(token)
        var depth = 0
        var quote: Character? = nil
        var i = 0
        while i + tok.count <= chars.count {
            let c = chars[i]
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "(" {
                depth += 1
            } else if c == ")" {
                depth -= 1
            } else if depth == 0 && Array(chars[i..<i + tok.count]) == tok {
                return (String(chars[..<i]), String(chars[(i + tok.count)...]))
            }
            i += 1
        }
        return nil
    }

    private static func operand(_ raw: String, path: String) throws(PathSyntaxError) -> Operand {
        let text = raw.trimmingSpaces()
        if text.hasPrefix("@") {
            var parser = JSONPathParser(text: path, rest: Substring(text).dropFirst())
            return .current(try parser.parseSegments())
        }
        if text.hasPrefix("$") {
            var parser = JSONPathParser(text: path, rest: Substring(text).dropFirst())
            return .root(try parser.parseSegments())
        }
        if text.count >= 2, let q = text.first, q == "'" || q == "\"", text.last == q {
            return .literal(.string(String(text.dropFirst().dropLast())))
        }
        if let value = try? JSONParser.parse(text) { return .literal(value) }
        throw PathSyntaxError(path: path, reason: "cannot read filter operand '\(text)'")
    }
}
