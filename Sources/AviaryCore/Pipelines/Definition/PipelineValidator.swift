import AviaryJSON
import Foundation

/// Turns a pipeline file into a `PipelineDefinition`, or reports every problem in it, each with its
/// file, line, column and field: unknown keys, missing fields, values of the wrong type, references to
/// parameters or steps that do not exist, and dependency cycles. It does not stop at the first
/// problem, so one `aviary pipeline validate` shows everything to fix.
public struct PipelineValidator {
    public struct Result: Sendable {
        /// Nil when there are problems.
        public var definition: PipelineDefinition?
        public var problems: [PipelineProblem]
    }

    static let rootKeys: Set<String> = ["name", "description", "parameters", "cache", "max_parallel", "steps"]
    static let defaultMaxParallel = 4

    let file: String
    var problems: [PipelineProblem] = []
    var parameters: [PipelineParameter] = []
    /// Step names in file order with their nodes, known before any step's settings are checked.
    var stepNodes: [(name: String, key: SourceNode, node: SourceNode)] = []

    init(file: String) {
        self.file = file
    }

    /// Validates `text` (YAML or JSON); `file` is used in problems; a pipeline without `name` is
    /// named `defaultName` (the file's stem).
    public static func validate(_ text: String, file: String, defaultName: String) -> Result {
        switch PipelineSourceReader.read(text, file: file) {
        case .failure(let problem):
            return Result(definition: nil, problems: [problem])
        case .success(let root):
            var validator = PipelineValidator(file: file)
            let definition = validator.definition(root, defaultName: defaultName)
            let problems = validator.problems.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
            return Result(definition: problems.isEmpty ? definition : nil, problems: problems)
        }
    }

    /// Reads and validates a file; problems name it `displayName` (the path as the user typed it), else its path.
    public static func validate(fileAt url: URL, displayName: String? = nil) throws -> Result {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw PipelineError.unreadableFile(path: displayName ?? url.path, reason: error.localizedDescription)
        }
        return validate(text, file: displayName ?? url.path, defaultName: url.deletingPathExtension().lastPathComponent)
    }

    mutating func report(_ node: SourceNode, _ field: String, _ message: String) {
        problems.append(PipelineProblem(file: file, line: node.line, column: node.column, field: field, message: message))
    }

    /// The mapping's entries, reporting duplicate keys and keys not in `allowed` (nil: any key).
    mutating func mappingEntries(_ node: SourceNode, _ field: String, allowed: Set<String>?, what: String) -> [SourceNode.Entry]? {
        guard let entries = node.entries else {
            report(node, field, "expected a mapping, found \(node.kindName)")
            return nil
        }
        var seen: Set<String> = []
        var result: [SourceNode.Entry] = []
        for entry in entries {
            let key = entry.key.text ?? ""
            let path = field.isEmpty ? key : "\(field).\(key)"
            if !seen.insert(key).inserted {
                report(entry.key, path, "duplicate key '\(key)'")
                continue
            }
            if let allowed, !allowed.contains(key) {
                report(entry.key, path, "unknown key '\(key)' in \(what); expected one of \(allowed.sorted().joined(separator: ", "))")
                continue
            }
            result.append(entry)
        }
        return result
    }

    mutating func definition(_ root: SourceNode, defaultName: String) -> PipelineDefinition? {
        guard let entries = mappingEntries(root, "", allowed: Self.rootKeys, what: "a pipeline") else { return nil }
        let top = Dictionary(entries.map { ($0.key.text ?? "", $0) }, uniquingKeysWith: { a, _ in a })

        // A file stem may hold characters a name may not: those become '-'.
        var name = String(defaultName.map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) ? $0 : "-" })
        if !ResourceName.isValid(name) { name = "pipeline" }
        if let node = top["name"]?.value {
            if let text = string(node, "name") {
                if ResourceName.isValid(text) { name = text } else {
                    report(node, "name", "'\(text)' is not a pipeline name: use letters, digits, '-', '_' or '.', starting with a letter or digit")
                }
            }
        }
        let description = top["description"].flatMap { string($0.value, "description") }
        if let node = top["parameters"]?.value { parameters = parseParameters(node) }
        let cache = top["cache"].flatMap { cachePolicy($0.value, "cache") } ?? CachePolicy()
        var maxParallel = Self.defaultMaxParallel
        if let node = top["max_parallel"]?.value, let value = integer(node, "max_parallel", minimum: 1) { maxParallel = value }

        guard let stepsEntry = top["steps"] else {
            report(root, "steps", "missing; a pipeline needs `steps:`, a mapping from step names to steps")
            return nil
        }
        guard let stepEntries = mappingEntries(stepsEntry.value, "steps", allowed: nil, what: "steps") else { return nil }
        if stepEntries.isEmpty { report(stepsEntry.value, "steps", "a pipeline needs at least one step") }
        for entry in stepEntries {
            let stepName = entry.key.text ?? ""
            if !Self.isIdentifier(stepName) {
                report(entry.key, "steps.\(stepName)", "'\(stepName)' is not a step name: use letters, digits, '_' or '-'")
                continue
            }
            stepNodes.append((stepName, entry.key, entry.value))
        }
        var steps: [PipelineStep] = []
        for (stepName, _, node) in stepNodes {
            if let step = parseStep(stepName, node) { steps.append(step) }
        }
        steps = resolveDependencies(steps)
        return PipelineDefinition(name: name, description: description, parameters: parameters, cache: cache,
                                  maxParallel: maxParallel, steps: steps)
    }

    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.first, first.isLetter || first == "_" else { return false }
        return text.allSatisfy { ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") && $0.isASCII }
    }

    // MARK: Parameters

    mutating func parseParameters(_ node: SourceNode) -> [PipelineParameter] {
        guard let entries = mappingEntries(node, "parameters", allowed: nil, what: "parameters") else { return [] }
        var result: [PipelineParameter] = []
        for entry in entries {
            let name = entry.key.text ?? ""
            let field = "parameters.\(name)"
            guard Self.isIdentifier(name) else {
                report(entry.key, field, "'\(name)' is not a parameter name: use letters, digits, '_' or '-'")
                continue
            }
            if entry.value.entries == nil {
                // Shorthand: `threshold: 0.8` declares a float with that default.
                guard let value = entry.value.scalarValue, value != .null else {
                    report(entry.value, field, "expected {type, default} or a default value, found \(entry.value.kindName)")
                    continue
                }
                let type: PipelineParameterType = switch value {
                    case .int: .int
                    case .double: .float
                    case .bool: .bool
                    default: .string
                }
                result.append(PipelineParameter(name: name, type: type, default: value, description: nil))
                continue
            }
            guard let fields = mappingEntries(entry.value, field, allowed: ["type", "default", "description"], what: "a parameter") else { continue }
            let byKey = Dictionary(fields.map { ($0.key.text ?? "", $0.value) }, uniquingKeysWith: { a, _ in a })
            guard let typeNode = byKey["type"] else {
                report(entry.value, "\(field).type", "missing; give the parameter a type: string, int, float or bool")
                continue
            }
            guard let typeText = typeNode.text, let type = PipelineParameterType(rawValue: typeText) else {
                report(typeNode, "\(field).type", "'\(typeNode.text ?? typeNode.kindName)' is not a parameter type; use string, int, float or bool")
                continue
            }
            var defaultValue: JSONValue?
            if let node = byKey["default"] {
                let value = node.scalarValue ?? .null
                if type.accepts(value) {
                    defaultValue = type == .float && value.doubleValue != nil ? .double(value.doubleValue!) : value
                } else {
                    report(node, "\(field).default", "expected \(type.phrase), found \(node.kindName)")
                }
            }
            let description = byKey["description"].flatMap { string($0, "\(field).description") }
            result.append(PipelineParameter(name: name, type: type, default: defaultValue, description: description))
        }
        return result
    }

    // MARK: Scalars

    mutating func string(_ node: SourceNode, _ field: String) -> String? {
        guard case .string(let text)? = node.scalarValue else {
            report(node, field, "expected a string, found \(node.kindName)")
            return nil
        }
        return text
    }

    mutating func integer(_ node: SourceNode, _ field: String, minimum: Int) -> Int? {
        guard case .int(let value)? = node.scalarValue else {
            report(node, field, "expected an integer, found \(node.kindName)")
            return nil
        }
        guard value >= minimum else {
            report(node, field, "must be at least \(minimum), not \(value)")
            return nil
        }
        return value
    }

    mutating func duration(_ node: SourceNode, _ field: String) -> Double? {
        if let seconds = node.scalarValue?.doubleValue, seconds >= 0 { return seconds }
        if case .string(let text)? = node.scalarValue, let seconds = DurationText.seconds(text) { return seconds }
        report(node, field, "expected a duration such as 30s, 10m, 2h or 7d, found \(node.text.map { "'\($0)'" } ?? node.kindName)")
        return nil
    }

    /// `cache: false`, `cache: true` or `cache: {enabled: …, expire_after: 7d}`.
    mutating func cachePolicy(_ node: SourceNode, _ field: String) -> CachePolicy? {
        if case .bool(let enabled)? = node.scalarValue { return CachePolicy(enabled: enabled) }
        guard node.entries != nil else {
            report(node, field, "expected true, false or {enabled, expire_after}, found \(node.kindName)")
            return nil
        }
        guard let fields = mappingEntries(node, field, allowed: ["enabled", "expire_after"], what: "a cache policy") else { return nil }
        var policy = CachePolicy()
        for entry in fields {
            switch entry.key.text {
            case "enabled":
                if case .bool(let enabled)? = entry.value.scalarValue { policy.enabled = enabled } else {
                    report(entry.value, "\(field).enabled", "expected true or false, found \(entry.value.kindName)")
                }
            default:
                policy.expireAfter = duration(entry.value, "\(field).expire_after")
            }
        }
        return policy
    }
}
