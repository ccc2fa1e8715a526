import AviaryJSON
extension FilterExpression {
    func matches(_ current: JSONValue, root: JSONValue) -> Bool {
        switch self {
        case .exists(let operand):
            guard let v = resolve(operand, current: current, root: root) else { return false }
            if case .bool(let b) = v { return b }
            return true
        case .compare(let lhs, let op, let rhs):
            guard let l = resolve(lhs, current: current, root: root),
                let r = resolve(rhs, current: current, root: root)
            else { return false }
            return FilterExpression.compare(l, op, r)
        case .and(let a, let b): return a.matches(current, root: root) && b.matches(current, root: root)
        case .or(let a, let b): return a.matches(current, root: root) || b.matches(current, root: root)
        case .not(let a): return !a.matches(current, root: root)
        }
    }

    private func resolve(_ operand: Operand, current: JSONValue, root: JSONValue) -> JSONValue? {
        var out: [JSONValue] = []
        switch operand {
        case .literal(let v): return v
        case .current(let segments): JSONPath.collect(segments[...], from: current, root: root, into: &out)
        case .root(let segments): JSONPath.collect(segments[...], from: root, root: root, into: &out)
        }
        return out.first
    }

    private static func compare(_ l: JSONValue, _ op: Comparison, _ r: JSONValue) -> Bool {
        if let a = l.doubleValue, let b = r.doubleValue {
            switch op {
            case .equal: return a == b
            case .notEqual: return a != b
            case .less: return a < b
            case .lessOrEqual: return a <= b
            case .greater: return a > b
            case .greaterOrEqual: return a >= b
            }
        }
        if case .string(let a) = l, case .string(let b) = r {
            switch op {
            case .equal: return a == b
            case .notEqual: return a != b
            case .less: return a.utf16.lexicographicallyPrecedes(b.utf16)
            case .lessOrEqual: return !b.utf16.lexicographicallyPrecedes(a.utf16)
            case .greater: return b.utf16.lexicographicallyPrecedes(a.utf16)
            case .greaterOrEqual: return !a.utf16.lexicographicallyPrecedes(b.utf16)
            }
        }
        switch op {
        case .equal: return l.semanticallyEquals(r)
        case .notEqual: return !l.semanticallyEquals(r)
        default: return false
        }
    }
}
