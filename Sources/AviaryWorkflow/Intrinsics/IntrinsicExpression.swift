import AviaryJSON
/// A parsed intrinsic function call such as `States.Format('{}', $.name)`.
/// Parsed once at definition load, evaluated per state entry.
public indirect enum IntrinsicArgument: Sendable, Hashable {
    case literal(JSONValue)
    case path(JSONPath)
    case call(IntrinsicCall)
}

public struct IntrinsicCall: Sendable, Hashable {
    public let function: String
    public let arguments: [IntrinsicArgument]
    /// The text as written, which AWS quotes in error messages.
    public let text: String
}

/// An intrinsic that does not parse, naming the expression.
public struct IntrinsicSyntaxError: Error, CustomStringConvertible, Equatable {
    public let expression: String
    public let reason: String
    public var description: String { "invalid intrinsic function '\(expression)': \(reason)" }
}

extension IntrinsicCall {
    /// True when a Parameters `.$` value is an intrinsic call rather than a path.
    static func looksLikeCall(_ text: String) -> Bool { text.hasPrefix("States.") }

    public static func parse(_ text: String) throws(IntrinsicSyntaxError) -> IntrinsicCall {
        var parser = IntrinsicParser(chars: Array(text), text: text)
        let call = try parser.parseCall()
        parser.skipSpaces()
        guard parser.atEnd else { throw parser.fail("unexpected text after the closing parenthesis") }
        return call
    }
}

struct IntrinsicParser {
    let chars: [Character]
    let text: String
    var i = 0

    init(chars: [Character], text: String) {
        self.chars = chars
        self.text = text
    }

    var atEnd: Bool { i >= chars.count }

    func fail(_ reason: String) -> IntrinsicSyntaxError { IntrinsicSyntaxError(expression: text, reason: reason) }

    mutating func skipSpaces() { while i < chars.count, chars[i] == " " { i += 1 } }

    mutating func parseCall() throws(IntrinsicSyntaxError) -> IntrinsicCall {
        let start = i
        while i < chars.count, chars[i] != "(" { i += 1 }
        guard i < chars.count else { throw fail("missing '('") }
        let name = String(chars[start..<i]).trimmingSpaces()
        guard IntrinsicFunctions.names.contains(name) else { throw fail("unknown function \(name)") }
        i += 1
        var args: [IntrinsicArgument] = []
        skipSpaces()
        if i < chars.count, chars[i] == ")" {
            i += 1
            return IntrinsicCall(function: name, arguments: args, text: String(chars[start..<i]))
        }
        while true {
            skipSpaces()
            args.append(try parseArgument())
            skipSpaces()
            guard i < chars.count else { throw fail("missing ')'") }
            if chars[i] == "," { i += 1; continue }
            if chars[i] == ")" { i += 1; break }
            throw fail("expected ',' or ')'")
        }
        return IntrinsicCall(function: name, arguments: args, text: String(chars[start..<i]))
    }

    private mutating func parseArgument() throws(IntrinsicSyntaxError) -> IntrinsicArgument {
        guard i < chars.count else { throw fail("missing argument") }
        let c = chars[i]
        if c == "'" { return .literal(.string(try parseString())) }
        if c == "$" {
            let start = i
            var depth = 0
            var quote: Character? = nil
            while i < chars.count {
                let ch = chars[i]
                if let q = quote {
                    if ch == q { quote = nil }
                } else if ch == "'" || ch == "\"" {
                    quote = ch
                } else if ch == "[" || ch == "(" {
                    depth += 1
                } else if ch == "]" || (ch == ")" && depth > 0) {
                    depth -= 1
                } else if depth == 0 && (ch == "," || ch == ")") {
                    break
                }
                i += 1
            }
            let pathText = String(chars[start..<i]).trimmingSpaces()
            do { return .path(try JSONPath(pathText)) } catch { throw fail(error.description) }
        }
        if String(chars[i...]).hasPrefix("States.") { return .call(try parseCall()) }
        let start = i
        while i < chars.count, chars[i] != ",", chars[i] != ")" { i += 1 }
        let token = String(chars[start..<i]).trimmingSpaces()
        guard let value = try? JSONParser.parse(token), value.objectValue == nil, value.arrayValue == nil else {
            throw fail("cannot read argument '\(token)'")
        }
        return .literal(value)
    }

    /// Single-quoted strings; `\'`, `\{`, `\}` and `\\` escape.
    private mutating func parseString() throws(IntrinsicSyntaxError) -> String {
        i += 1
        var out = ""
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count {
                let next = chars[i + 1]
                out.append(next)
                i += 2
                continue
            }
            if c == "'" {
                i += 1
                return out
            }
            out.append(c)
            i += 1
        }
        throw fail("unterminated string literal")
    }
}
