import AviaryJSON

extension PipelineDefinition {
    /// The definition in the file format itself, with every default written out and every dependency
    /// explicit: what `aviary pipeline definition --json` prints. Validating it again gives the same
    /// definition, so it can be stored, diffed or handed to another tool as the pipeline.
    public var normalized: JSONValue {
        var root = JSONObject()
        root["name"] = .string(name)
        if let description { root["description"] = .string(description) }
        root["max_parallel"] = .int(maxParallel)
        root["cache"] = Self.normalized(cache)
        var parameters = JSONObject()
        for parameter in self.parameters {
            var object = JSONObject([("type", .string(parameter.type.rawValue))])
            if let value = parameter.default { object["default"] = value }
            if let description = parameter.description { object["description"] = .string(description) }
            parameters[parameter.name] = .object(object)
        }
        root["parameters"] = .object(parameters)
        var steps = JSONObject()
        for step in self.steps {
            var object = JSONObject([("kind", .string(step.kind.rawValue))])
            if let description = step.description { object["description"] = .string(description) }
            object["depends_on"] = .array(step.dependsOn.map(JSONValue.string))
            if let timeout = step.timeout { object["timeout"] = .string(DurationText.format(timeout)) }
            if !step.retry.isEmpty {
                object["retry"] = .array(step.retry.map { rule in
                    .object(JSONObject([("on", .array(rule.errors.map { .string($0.rawValue) })), ("max_attempts", .int(rule.maxAttempts)),
                                        ("interval", .string(DurationText.format(rule.interval))), ("backoff_rate", .double(rule.backoffRate))]))
                })
            }
            if let cache = step.cache { object["cache"] = Self.normalized(cache) }
            for key in step.settings.keys.sorted() { object[key] = step.settings[key] }
            steps[step.name] = .object(object)
        }
        root["steps"] = .object(steps)
        return .object(root)
    }

    static func normalized(_ policy: CachePolicy) -> JSONValue {
        var object = JSONObject([("enabled", .bool(policy.enabled))])
        if let expireAfter = policy.expireAfter { object["expire_after"] = .string(DurationText.format(expireAfter)) }
        return .object(object)
    }
}

extension JSONValue {
    /// Indented JSON that keeps the order of object keys (`serialized()` is the compact form).
    public func indented(_ level: Int = 0) -> String {
        let pad = String(repeating: "  ", count: level + 1), end = String(repeating: "  ", count: level)
        switch self {
        case .array(let items) where !items.isEmpty && items.contains(where: { $0.arrayValue != nil || $0.objectValue != nil }):
            return "[\n" + items.map { pad + $0.indented(level + 1) }.joined(separator: ",\n") + "\n\(end)]"
        case .object(let object) where !object.isEmpty:
            return "{\n" + object.map { key, value in
                var quoted = ""
                JSONValue.writeQuoted(key, to: &quoted)
                return "\(pad)\(quoted): \(value.indented(level + 1))"
            }.joined(separator: ",\n") + "\n\(end)}"
        default:
            return serialized()
        }
    }
}
