import AviaryJSON
/// Reads a definition from JSON into typed states, collecting every problem rather than
/// stopping at the first (the validator and `aviary workflow validate` report them all).
public final class DefinitionParser {
    private(set) var problems: [DefinitionProblem] = []

    public init() {}

    /// Parses a definition, throwing all problems at once.
    public static func parse(_ text: String) throws -> StateMachine {
        let json: JSONValue
        do { json = try JSONParser.parse(text) } catch {
            throw DefinitionError(problems: [DefinitionProblem(location: "(definition)", message: error.description)])
        }
        return try parse(json)
    }

    public static func parse(_ json: JSONValue) throws(DefinitionError) -> StateMachine {
        let parser = DefinitionParser()
        let machine = parser.machine(json, location: "")
        let problems = parser.problems + (machine.map { Validator.graphProblems($0, location: "") } ?? [])
        guard let machine, problems.isEmpty else { throw DefinitionError(problems: problems) }
        return machine
    }

    func problem(_ location: String, _ message: String) {
        problems.append(DefinitionProblem(location: location, message: message))
    }

    static func join(_ prefix: String, _ field: String) -> String { prefix.isEmpty ? field : "\(prefix).\(field)" }

    func machine(_ json: JSONValue, location: String) -> StateMachine? {
        guard case .object(let object) = json else {
            problem(location.isEmpty ? "(definition)" : location, "a state machine must be a JSON object")
            return nil
        }
        let startAt = object["StartAt"]?.stringValue
        if startAt == nil { problem(Self.join(location, "StartAt"), "missing; name the first state to run") }
        guard case .object(let statesObject)? = object["States"], !statesObject.isEmpty else {
            problem(Self.join(location, "States"), "missing or empty; a state machine needs at least one state")
            return nil
        }
        var states: [String: State] = [:]
        for (name, value) in statesObject {
            if name.count > 80 { problem(Self.join(location, "States.\(name)"), "state names are limited to 80 characters") }
            if let state = state(name: name, json: value, location: Self.join(location, "States.\(name)")) {
                states[name] = state
            }
        }
        let timeout: Int? = object["TimeoutSeconds"].flatMap { integerField($0, Self.join(location, "TimeoutSeconds")) }
        return StateMachine(
            comment: object["Comment"]?.stringValue, startAt: startAt ?? "", states: states,
            stateOrder: statesObject.keys, timeoutSeconds: timeout)
    }

    // MARK: field helpers

    func string(_ object: JSONObject, _ key: String, _ location: String) -> String? {
        guard let value = object[key] else { return nil }
        guard case .string(let s) = value else {
            problem("\(location).\(key)", "must be a string, got \(value.typeName)")
            return nil
        }
        return s
    }

    func integerField(_ value: JSONValue, _ location: String) -> Int? {
        switch value {
        case .int(let i): return i
        case .double(let d) where d == d.rounded() && abs(d) < 1e15: return Int(d)
        default:
            problem(location, "must be an integer, got \(value.typeName) \(value)")
            return nil
        }
    }

    func path(_ object: JSONObject, _ key: String, _ location: String) -> JSONPath? {
        guard let text = string(object, key, location) else { return nil }
        do { return try JSONPath(text) } catch {
            problem("\(location).\(key)", error.description)
            return nil
        }
    }

    func filterPath(_ object: JSONObject, _ key: String, _ location: String) -> FilterPath {
        if object[key] == .null { return .discard }
        if object[key] == nil { return .path(try! JSONPath("$")) }
        return path(object, key, location).map { .path($0) } ?? .discard
    }

    func resultPath(_ object: JSONObject, _ location: String) -> ResultPathSpec {
        if object["ResultPath"] == .null { return .discard }
        guard let path = path(object, "ResultPath", location) else { return .path(try! JSONPath("$")) }
        if path.isContextPath || !path.isReferencePath {
            problem("\(location).ResultPath", "'\(path.text)' must be a reference path such as $.result (no wildcards, filters or $$)")
        }
        return .path(path)
    }

    func template(_ object: JSONObject, _ key: String, _ location: String) -> PayloadTemplate? {
        guard let value = object[key] else { return nil }
        return PayloadTemplate.compile(value, location: "\(location).\(key)") { problem($0, $1) }
    }
}

extension JSONPath {
    /// Reference paths name a single node: only `.field` and `[n]` steps.
    var isReferencePath: Bool {
        segments.allSatisfy {
            switch $0 {
            case .key, .index: return true
            default: return false
            }
        }
    }
}
