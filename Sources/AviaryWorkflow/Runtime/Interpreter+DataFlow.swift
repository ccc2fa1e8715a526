import AviaryJSON
/// InputPath → Parameters → (work) → ResultSelector → ResultPath → OutputPath, with AWS's messages.
extension Interpreter {
    func applyInputPath(_ spec: FilterPath, _ input: JSONValue, context: JSONValue) throws -> JSONValue {
        try select(spec, input, context: context)
    }

    func applyOutputPath(_ spec: FilterPath, _ value: JSONValue, context: JSONValue) throws -> JSONValue {
        try select(spec, value, context: context)
    }

    private func select(_ spec: FilterPath, _ value: JSONValue, context: JSONValue) throws -> JSONValue {
        switch spec {
        case .discard: return .object(JSONObject())
        case .path(let path):
            if path.segments.isEmpty && !path.isContextPath { return value }
            switch path.evaluate(value, context: context) {
            case .value(let v): return v
            case .list(let l): return .array(l)
            case .missing(let reason): throw ASLError.runtime("Invalid path '\(path.text)' : \(reason)")
            }
        }
    }

    func applyTemplate(_ template: PayloadTemplate?, _ input: JSONValue, context: JSONValue) throws -> JSONValue {
        guard let template else { return input }
        return try template.evaluate(input: input, context: context, random: random)
    }

    func applyResultPath(_ spec: ResultPathSpec, result: JSONValue, rawInput: JSONValue) throws -> JSONValue {
        switch spec {
        case .discard: return rawInput
        case .path(let path): return try path.assign(result, into: rawInput)
        }
    }

    /// The tail shared by Pass, Task, Map and Parallel once the state has a result.
    func finish(_ state: State, result: JSONValue, rawInput: JSONValue, context: JSONValue) throws -> Step {
        let selected = try applyTemplate(state.resultSelector, result, context: context)
        let placed = try applyResultPath(state.resultPath, result: selected, rawInput: rawInput)
        let output = try applyOutputPath(state.outputPath, placed, context: context)
        return Step(output: output, next: state.transition ?? .end)
    }
}

extension JSONValue {
    /// Whether the compact JSON text would be longer than `limit` bytes, computed without building it.
    func exceedsSerializedSize(_ limit: Int) -> Bool {
        var budget = limit
        return !fits(&budget)
    }

    private func fits(_ budget: inout Int) -> Bool {
        switch self {
        case .null: budget -= 4
        case .bool(let b): budget -= b ? 4 : 5
        case .int: budget -= 20
        case .double: budget -= 24
        case .string(let s): budget -= s.utf8.count + 2
        case .array(let items):
            budget -= 2 + items.count
            for item in items where budget >= 0 { if !item.fits(&budget) { return false } }
        case .object(let o):
            budget -= 2 + o.count
            for (key, value) in o where budget >= 0 {
                budget -= key.utf8.count + 3
                if !value.fits(&budget) { return false }
            }
        }
        return budget >= 0
    }
}
