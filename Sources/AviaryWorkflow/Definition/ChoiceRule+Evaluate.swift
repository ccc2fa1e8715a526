import AviaryJSON
extension ChoiceRule {
    func evaluate(_ input: JSONValue, context: JSONValue) throws(ASLError) -> Bool {
        switch self {
        case .and(let rules):
            for rule in rules where try !rule.evaluate(input, context: context) { return false }
            return true
        case .or(let rules):
            for rule in rules where try rule.evaluate(input, context: context) { return true }
            return false
        case .not(let rule):
            return try !rule.evaluate(input, context: context)
        case .comparison(let variable, let op, let operand):
            let value = variable.evaluate(input, context: context).asValue
            if op == .isPresent {
                guard case .literal(.bool(let expected)) = operand else { return false }
                let present: Bool
                if case .list(let l) = variable.evaluate(input, context: context) { present = !l.isEmpty } else { present = value != nil }
                return present == expected
            }
            guard let value else {
                throw ASLError.runtime("Invalid path '\(variable.text)': The choice state's condition path references an invalid value.")
            }
            let right: JSONValue
            switch operand {
            case .literal(let v): right = v
            case .path(let path):
                guard let v = path.evaluate(input, context: context).asValue else {
                    throw ASLError.runtime("Invalid path '\(path.text)': The choice state's condition path references an invalid value.")
                }
                right = v
            }
            return ChoiceRule.compare(value, op.base, right)
        }
    }

    static func compare(_ left: JSONValue, _ op: ComparisonOperator, _ right: JSONValue) -> Bool {
        switch op {
        case .isNull: return (left == .null) == (right == .bool(true))
        case .isNumeric: return left.isNumber == (right == .bool(true))
        case .isString: return (left.stringValue != nil) == (right == .bool(true))
        case .isBoolean:
            if case .bool = left { return right == .bool(true) }
            return right == .bool(false)
        case .isTimestamp:
            let isTimestamp = left.stringValue.flatMap(Timestamp.parse) != nil
            return isTimestamp == (right == .bool(true))
        case .booleanEquals:
            if case .bool(let a) = left, case .bool(let b) = right { return a == b }
            return false
        case .stringMatches:
            guard case .string(let s) = left, case .string(let pattern) = right else { return false }
            return WildcardPattern(pattern).matches(s)
        case .stringEquals, .stringLessThan, .stringGreaterThan, .stringLessThanEquals, .stringGreaterThanEquals:
            guard case .string(let a) = left, case .string(let b) = right else { return false }
            return ordered(a.utf16.lexicographicallyPrecedes(b.utf16) ? -1 : (a == b ? 0 : 1), op)
        case .numericEquals, .numericLessThan, .numericGreaterThan, .numericLessThanEquals, .numericGreaterThanEquals:
            guard let a = left.doubleValue, let b = right.doubleValue else { return false }
            return ordered(a < b ? -1 : (a == b ? 0 : 1), op)
        case .timestampEquals, .timestampLessThan, .timestampGreaterThan, .timestampLessThanEquals,
            .timestampGreaterThanEquals:
            guard let a = left.stringValue.flatMap(Timestamp.parse), let b = right.stringValue.flatMap(Timestamp.parse)
            else { return false }
            return ordered(a < b ? -1 : (a == b ? 0 : 1), op)
        default:
            return false
        }
    }

    /// Maps a three-way comparison result onto the operator's family member.
    private static func ordered(_ order: Int, _ op: ComparisonOperator) -> Bool {
        let name = op.rawValue
        if name.hasSuffix("GreaterThanEquals") { return order >= 0 }
        if name.hasSuffix("LessThanEquals") { return order <= 0 }
        if name.hasSuffix("GreaterThan") { return order > 0 }
        if name.hasSuffix("LessThan") { return order < 0 }
        return order == 0
    }
}

