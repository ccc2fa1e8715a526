import AviaryJSON
/// A Choice rule: a boolean combination of comparisons of a `Variable` with a literal or a path.
public indirect enum ChoiceRule: Sendable {
    case and([ChoiceRule])
    case or([ChoiceRule])
    case not(ChoiceRule)
    case comparison(variable: JSONPath, op: ComparisonOperator, operand: Operand)

    public enum Operand: Sendable {
        case literal(JSONValue)
        case path(JSONPath)
    }
}

/// Every data-test operator of the States Language. `…Path` variants read the right-hand side
/// from the input; the `Is…` operators take a boolean.
public enum ComparisonOperator: String, Sendable, CaseIterable {
    case stringEquals = "StringEquals", stringEqualsPath = "StringEqualsPath"
    case stringLessThan = "StringLessThan", stringLessThanPath = "StringLessThanPath"
    case stringGreaterThan = "StringGreaterThan", stringGreaterThanPath = "StringGreaterThanPath"
    case stringLessThanEquals = "StringLessThanEquals", stringLessThanEqualsPath = "StringLessThanEqualsPath"
    case stringGreaterThanEquals = "StringGreaterThanEquals", stringGreaterThanEqualsPath = "StringGreaterThanEqualsPath"
    case stringMatches = "StringMatches"
    case numericEquals = "NumericEquals", numericEqualsPath = "NumericEqualsPath"
    case numericLessThan = "NumericLessThan", numericLessThanPath = "NumericLessThanPath"
    case numericGreaterThan = "NumericGreaterThan", numericGreaterThanPath = "NumericGreaterThanPath"
    case numericLessThanEquals = "NumericLessThanEquals", numericLessThanEqualsPath = "NumericLessThanEqualsPath"
    case numericGreaterThanEquals = "NumericGreaterThanEquals", numericGreaterThanEqualsPath = "NumericGreaterThanEqualsPath"
    case booleanEquals = "BooleanEquals", booleanEqualsPath = "BooleanEqualsPath"
    case timestampEquals = "TimestampEquals", timestampEqualsPath = "TimestampEqualsPath"
    case timestampLessThan = "TimestampLessThan", timestampLessThanPath = "TimestampLessThanPath"
    case timestampGreaterThan = "TimestampGreaterThan", timestampGreaterThanPath = "TimestampGreaterThanPath"
    case timestampLessThanEquals = "TimestampLessThanEquals", timestampLessThanEqualsPath = "TimestampLessThanEqualsPath"
    case timestampGreaterThanEquals = "TimestampGreaterThanEquals", timestampGreaterThanEqualsPath = "TimestampGreaterThanEqualsPath"
    case isNull = "IsNull", isPresent = "IsPresent", isNumeric = "IsNumeric", isString = "IsString"
    case isBoolean = "IsBoolean", isTimestamp = "IsTimestamp"

    var takesPath: Bool { rawValue.hasSuffix("Path") }

    /// The operand type the definition must supply for a literal comparison.
    var literalType: String {
        let name = rawValue
        if name.hasPrefix("Is") || name.hasPrefix("Boolean") { return "boolean" }
        if name.hasPrefix("Numeric") { return "number" }
        return "string"
    }

    /// The comparison without the `Path` suffix: both forms evaluate the same way.
    var base: ComparisonOperator {
        takesPath ? ComparisonOperator(rawValue: String(rawValue.dropLast(4)))! : self
    }
}
