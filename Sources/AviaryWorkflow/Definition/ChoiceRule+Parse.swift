import AviaryJSON
extension ChoiceRule {
    /// Parses one rule; `problem` receives (field location, message) for every defect found.
    static func parse(_ json: JSONValue, location: String, problem: (String, String) -> Void) -> ChoiceRule? {
        guard case .object(let object) = json else {
            problem(location, "a choice rule must be a JSON object")
            return nil
        }
        if let and = object["And"] ?? object["Or"] {
            let key = object["And"] != nil ? "And" : "Or"
            guard case .array(let items) = and, !items.isEmpty else {
                problem("\(location).\(key)", "must be a non-empty array of choice rules")
                return nil
            }
            let rules = items.enumerated().compactMap { parse($1, location: "\(location).\(key)[\($0)]", problem: problem) }
            guard rules.count == items.count else { return nil }
            return key == "And" ? .and(rules) : .or(rules)
        }
        if let not = object["Not"] {
            return parse(not, location: "\(location).Not", problem: problem).map { .not($0) }
        }
        guard case .string(let variableText)? = object["Variable"] else {
            problem("\(location).Variable", "a comparison needs a Variable path (or use And, Or, Not)")
            return nil
        }
        let variable: JSONPath
        do { variable = try JSONPath(variableText) } catch {
            problem("\(location).Variable", error.description)
            return nil
        }
        let operators = object.keys.compactMap(ComparisonOperator.init(rawValue:))
        guard operators.count == 1, let op = operators.first, let raw = object[op.rawValue] else {
            problem(location, operators.isEmpty
                ? "no comparison operator; use one of StringEquals, NumericEquals, BooleanEquals, TimestampEquals, Is…"
                : "exactly one comparison operator is allowed, found \(operators.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        let field = "\(location).\(op.rawValue)"
        if op.takesPath {
            guard case .string(let pathText) = raw else {
                problem(field, "must be a path string")
                return nil
            }
            do { return .comparison(variable: variable, op: op, operand: .path(try JSONPath(pathText))) } catch {
                problem(field, error.description)
                return nil
            }
        }
        let typeOK: Bool
        switch (op.literalType, raw) {
        case ("boolean", .bool), ("number", .int), ("number", .double), ("string", .string): typeOK = true
        default: typeOK = false
        }
        guard typeOK else {
            problem(field, "must be a \(op.literalType), got \(raw.typeName) \(raw)")
            return nil
        }
        if op.base.rawValue.hasPrefix("Timestamp"), case .string(let s) = raw, Timestamp.parse(s) == nil {
            problem(field, "'\(s)' is not an ISO-8601 timestamp such as 2016-03-14T01:59:00Z")
            return nil
        }
        return .comparison(variable: variable, op: op, operand: .literal(raw))
    }
}
