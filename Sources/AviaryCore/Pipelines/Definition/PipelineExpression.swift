import AviaryJSON

/// A condition step's `if`: comparisons of step outputs, parameters and literals, joined with `and`,
/// `or` and `not` (or `&&`, `||`, `!`) and parentheses, such as
/// `steps.evaluate.outputs.accuracy >= params.threshold and not params.dry_run`.
public indirect enum PipelineExpression: Sendable, Hashable, CustomStringConvertible {
    case literal(JSONValue)
    case reference(PipelineReference)
    case not(PipelineExpression)
    case and(PipelineExpression, PipelineExpression)
    case or(PipelineExpression, PipelineExpression)
    case compare(PipelineExpression, Comparison, PipelineExpression)

    public enum Comparison: String, Sendable, Hashable, CaseIterable {
        case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    }

    /// A syntax error, `offset` characters into the expression.
    public struct SyntaxError: Error, Sendable, Hashable {
        public var offset: Int
        public var message: String

        public init(offset: Int, message: String) {
            self.offset = offset
            self.message = message
        }
    }

    public var description: String {
        switch self {
        case .literal(.string(let text)): "'\(text)'"
        case .literal(let value): value.serialized()
        case .reference(let reference): reference.description
        case .not(let inner): "not \(inner.parenthesised)"
        case .and(let a, let b): "\(a.parenthesised) and \(b.parenthesised)"
        case .or(let a, let b): "\(a.parenthesised) or \(b.parenthesised)"
        case .compare(let a, let op, let b): "\(a) \(op.rawValue) \(b)"
        }
    }

    var parenthesised: String {
        switch self {
        case .and, .or: "(\(self))"
        default: description
        }
    }

    public var references: [PipelineReference] {
        switch self {
        case .literal: []
        case .reference(let reference): [reference]
        case .not(let inner): inner.references
        case .and(let a, let b), .or(let a, let b), .compare(let a, _, let b): a.references + b.references
        }
    }

    public static func parse(_ text: String) throws(SyntaxError) -> PipelineExpression {
        var parser = ExpressionParser(text: Array(text))
        let expression = try parser.parseOr()
        parser.skipSpace()
        guard parser.position == parser.text.count else { throw parser.error("unexpected '\(parser.rest)'") }
        return expression
    }

    // MARK: Evaluation

    /// A failure to evaluate: a missing output, or values that cannot be compared.
    public struct EvaluationError: Error, Sendable, Hashable {
        public var message: String

        public init(message: String) { self.message = message }
    }

    /// The value, and for each comparison the values it saw, for the step's explanation.
    public func evaluate(_ resolve: (PipelineReference) throws(EvaluationError) -> JSONValue) throws(EvaluationError) -> (value: Bool, explanation: String) {
        switch self {
        case .literal, .reference:
            let value = try operand(resolve)
            guard case .bool(let flag) = value else { throw EvaluationError(message: "\(self) is \(value.serialized()), not true or false") }
            return (flag, "\(self) is \(flag)")
        case .not(let inner):
            let (value, explanation) = try inner.evaluate(resolve)
            return (!value, explanation)
        case .and(let a, let b):
            let left = try a.evaluate(resolve)
            if !left.value { return left }
            return try b.evaluate(resolve)
        case .or(let a, let b):
            let left = try a.evaluate(resolve)
            if left.value { return left }
            let right = try b.evaluate(resolve)
            return (right.value, right.value ? right.explanation : "\(left.explanation); \(right.explanation)")
        case .compare(let a, let op, let b):
            let left = try a.operand(resolve), right = try b.operand(resolve)
            let value = try Self.compare(left, op, right, self)
            return (value, "\(a) (\(left.serialized())) \(op.rawValue) \(b) (\(right.serialized())) is \(value)")
        }
    }

    func operand(_ resolve: (PipelineReference) throws(EvaluationError) -> JSONValue) throws(EvaluationError) -> JSONValue {
        switch self {
        case .literal(let value): return value
        case .reference(let reference): return try resolve(reference)
        default:
            return .bool(try evaluate(resolve).value)
        }
    }

    static func compare(_ a: JSONValue, _ op: Comparison, _ b: JSONValue, _ whole: PipelineExpression) throws(EvaluationError) -> Bool {
        if let x = a.doubleValue, let y = b.doubleValue {
            switch op {
            case .equal: return x == y
            case .notEqual: return x != y
            case .less: return x < y
            case .lessOrEqual: return x <= y
            case .greater: return x > y
            case .greaterOrEqual: return x >= y
            }
        }
        if case .string(let x) = a, case .string(let y) = b {
            switch op {
            case .equal: return x == y
            case .notEqual: return x != y
            case .less: return x < y
            case .lessOrEqual: return x <= y
            case .greater: return x > y
            case .greaterOrEqual: return x >= y
            }
        }
        if case .bool(let x) = a, case .bool(let y) = b, op == .equal || op == .notEqual {
            return op == .equal ? x == y : x != y
        }
        throw EvaluationError(message: "cannot compare \(a.typeName) \(a.serialized()) with \(b.typeName) \(b.serialized()) using \(op.rawValue) in \(whole)")
    }
}

/// Recursive descent over the expression's characters.
struct ExpressionParser {
    let text: [Character]
    var position = 0

    var rest: String { String(text[position...]) }

    func error(_ message: String) -> PipelineExpression.SyntaxError {
        PipelineExpression.SyntaxError(offset: position, message: message)
    }

    mutating func skipSpace() {
        while position < text.count, text[position].isWhitespace { position += 1 }
    }

    /// Consumes `token` (a word must end at a word boundary).
    mutating func take(_ token: String) -> Bool {
        skipSpace()
        let chars = Array(token)
        guard position + chars.count <= text.count, Array(text[position..<(position + chars.count)]) == chars else { return false }
        if chars.last!.isLetter, position + chars.count < text.count, Self.isWord(text[position + chars.count]) { return false }
        position += chars.count
        return true
    }

    static func isWord(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "-" || c == "." }

    mutating func parseOr() throws(PipelineExpression.SyntaxError) -> PipelineExpression {
        var left = try parseAnd()
        while take("or") || take("||") { left = .or(left, try parseAnd()) }
        return left
    }

    mutating func parseAnd() throws(PipelineExpression.SyntaxError) -> PipelineExpression {
        var left = try parseNot()
        while take("and") || take("&&") { left = .and(left, try parseNot()) }
        return left
    }

    mutating func parseNot() throws(PipelineExpression.SyntaxError) -> PipelineExpression {
        if take("not") { return .not(try parseNot()) }
        skipSpace()
        if position < text.count, text[position] == "!", position + 1 >= text.count || text[position + 1] != "=" {
            position += 1
            return .not(try parseNot())
        }
        return try parseComparison()
    }

    mutating func parseComparison() throws(PipelineExpression.SyntaxError) -> PipelineExpression {
        let left = try parseOperand()
        for op in [PipelineExpression.Comparison.lessOrEqual, .greaterOrEqual, .equal, .notEqual, .less, .greater] where take(op.rawValue) {
            return .compare(left, op, try parseOperand())
        }
        return left
    }

    mutating func parseOperand() throws(PipelineExpression.SyntaxError) -> PipelineExpression {
        skipSpace()
        guard position < text.count else { throw error("expected a value, a reference or '(' but the expression ended") }
        let c = text[position]
        if c == "(" {
            position += 1
            let inner = try parseOr()
            guard take(")") else { throw error("expected ')'") }
            return inner
        }
        if c == "'" || c == "\"" {
            let start = position
            position += 1
            var value = ""
            while position < text.count, text[position] != c { value.append(text[position]); position += 1 }
            guard position < text.count else { position = start; throw error("this string has no closing \(c)") }
            position += 1
            return .literal(.string(value))
        }
        let start = position
        while position < text.count, Self.isWord(text[position]) || (text[position] == "+" && position == start) { position += 1 }
        let word = String(text[start..<position])
        guard !word.isEmpty else { throw error("expected a value, a reference or '(' at '\(rest)'") }
        switch word {
        case "true": return .literal(.bool(true))
        case "false": return .literal(.bool(false))
        default: break
        }
        if let int = Int(word) { return .literal(.int(int)) }
        if let double = Double(word) { return .literal(.double(double)) }
        if let reference = PipelineReference.parse(word) { return .reference(reference) }
        position = start
        throw error("'\(word)' is not a value or a reference; write params.NAME or steps.STEP.outputs.KEY")
    }
}
