import AviaryJSON

/// Resolves `${…}` references against a run's parameters and the outputs of finished steps. A setting
/// that is one reference takes the referenced value with its type; references inside longer text are
/// written into it.
public struct ReferenceResolver: Sendable {
    public var runID: String
    public var parameters: [String: JSONValue]
    public var outputs: [String: [String: JSONValue]]

    public func value(of reference: PipelineReference) throws(StepFailure) -> JSONValue {
        switch reference {
        case .runID:
            return .string(runID)
        case .parameter(let name):
            guard let value = parameters[name] else { throw StepFailure(.input, "\(reference): the run has no parameter '\(name)'") }
            return value
        case .output(let step, let key):
            guard let outputs = outputs[step] else {
                throw StepFailure(.input, "\(reference): step '\(step)' has no outputs (it was skipped or has not run)")
            }
            guard let key else { return .object(JSONObject(outputs.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })) }
            guard let value = outputs[key] else {
                let known = outputs.keys.sorted()
                throw StepFailure(.input, "\(reference): step '\(step)' has no output '\(key)' (its outputs: \(known.isEmpty ? "none" : known.joined(separator: ", ")))")
            }
            return value
        }
    }

    public func resolve(_ value: JSONValue) throws(StepFailure) -> JSONValue {
        switch value {
        case .string(let text):
            let template = PipelineTemplate(text)
            if let reference = template.soleReference { return try self.value(of: reference) }
            guard !template.references.isEmpty else { return value }
            var result = ""
            for piece in template.pieces {
                switch piece {
                case .literal(let text), .invalid(let text): result += text
                case .reference(let reference):
                    let resolved = try self.value(of: reference)
                    result += resolved.stringValue ?? resolved.serialized()
                }
            }
            return .string(result)
        case .array(let items):
            var resolved: [JSONValue] = []
            for item in items { resolved.append(try resolve(item)) }
            return .array(resolved)
        case .object(let object):
            var resolved = JSONObject()
            for (key, item) in object { resolved[key] = try resolve(item) }
            return .object(resolved)
        default:
            return value
        }
    }

    public func resolve(_ settings: [String: JSONValue]) throws(StepFailure) -> [String: JSONValue] {
        var resolved: [String: JSONValue] = [:]
        for (key, value) in settings { resolved[key] = try resolve(value) }
        return resolved
    }
}
