import AviaryJSON
/// Turns the text after `$` into segments.
struct JSONPathParser {
    let text: String
    var rest: Substring

    init(text: String, rest: Substring) {
        self.text = text
        self.rest = rest
    }

    func fail(_ reason: String) -> PathSyntaxError { PathSyntaxError(path: text, reason: reason) }

    mutating func parseSegments() throws(PathSyntaxError) -> [JSONPath.Segment] {
        var segments: [JSONPath.Segment] = []
        while let c = rest.first {
            if rest.hasPrefix("..") {
                rest = rest.dropFirst(2)
                if rest.first == "*" {
                    rest = rest.dropFirst()
                    segments.append(.deepScan(nil))
                } else if rest.first == "[" {
                    segments.append(.deepScan(nil))
                } else {
                    segments.append(.deepScan(try parseName()))
                }
            } else if rest.hasPrefix(".[") {
                // Jayway accepts `$.[0]` and `$.[?(…)]` as `$[0]`, `$[?(…)]`.
                rest = rest.dropFirst()
            } else if c == "." {
                rest = rest.dropFirst()
                if rest.first == "*" {
                    rest = rest.dropFirst()
                    segments.append(.wildcard)
                } else {
                    let name = try parseName()
                    if name == "length()" {
                        segments.append(.length)
                    } else {
                        segments.append(.key(name))
                    }
                }
            } else if c == "[" {
                segments.append(try parseBracket())
            } else {
                throw fail("unexpected character '\(c)'")
            }
        }
        return segments
    }

    private mutating func parseName() throws(PathSyntaxError) -> String {
        let end = rest.firstIndex { $0 == "." || $0 == "[" } ?? rest.endIndex
        let name = String(rest[..<end])
        guard !name.isEmpty else { throw fail("empty field name") }
        rest = rest[end...]
        return name
    }

    private mutating func parseBracket() throws(PathSyntaxError) -> JSONPath.Segment {
        rest = rest.dropFirst()
        if rest.hasPrefix("?(") {
            rest = rest.dropFirst(2)
            guard let idx = unquotedIndex(startDepth: 1, where: { ch, depth in ch == ")" && depth == 0 }) else {
                throw fail("unterminated filter")
            }
            let body = String(rest[..<idx])
            rest = rest[rest.index(after: idx)...]
            guard rest.first == "]" else { throw fail("expected ']' after filter") }
            rest = rest.dropFirst()
            return .filter(try FilterExpression.parse(body, path: text))
        }
        guard let close = unquotedIndex(where: { ch, _ in ch == "]" }) else { throw fail("missing ']'") }
        let inner = rest[..<close].trimmingSpaces()
        rest = rest[rest.index(after: close)...]
        if inner == "*" { return .wildcard }
        if inner.first == "'" || inner.first == "\"" {
            let names = inner.split(separator: ",").map { $0.trimmingSpaces() }
            let keys = names.map { String($0.dropFirst().dropLast()) }
            return keys.count == 1 ? .key(keys[0]) : .keys(keys)
        }
        if inner.contains(":") {
            let parts = inner.split(separator: ":", omittingEmptySubsequences: false).map { $0.trimmingSpaces() }
            func bound(_ i: Int) throws(PathSyntaxError) -> Int? {
                guard i < parts.count, !parts[i].isEmpty else { return nil }
                guard let v = Int(parts[i]) else { throw fail("bad slice bound '\(parts[i])'") }
                return v
            }
            return .slice(start: try bound(0), end: try bound(1), step: try bound(2))
        }
        let numbers = inner.split(separator: ",").map { Int($0.trimmingSpaces()) }
        guard !numbers.isEmpty, numbers.allSatisfy({ $0 != nil }) else { throw fail("bad subscript '[\(inner)]'") }
        return numbers.count == 1 ? .index(numbers[0]!) : .union(numbers.map { $0! })
    }

    /// The first index of `rest` where `stop(character, parenthesis depth)` holds outside quotes.
    private func unquotedIndex(startDepth: Int = 0, where stop: (Character, Int) -> Bool) -> Substring.Index? {
        var depth = startDepth
        var quote: Character? = nil
        var idx = rest.startIndex
        while idx < rest.endIndex {
            let ch = rest[idx]
            if let q = quote {
                if ch == q { quote = nil }
            } else if ch == "'" || ch == "\"" {
                quote = ch
            } else {
                if ch == "(" { depth += 1 } else if ch == ")" { depth -= 1 }
                if stop(ch, depth) { return idx }
            }
            idx = rest.index(after: idx)
        }
        return nil
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
