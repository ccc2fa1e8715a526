import AviaryJSON
extension DefinitionParser {
    static let stateTypes = ["Pass", "Task", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"]

    func state(name: String, json: JSONValue, location: String) -> State? {
        guard case .object(let o) = json else {
            problem(location, "a state must be a JSON object")
            return nil
        }
        guard let type = string(o, "Type", location) else {
            problem("\(location).Type", "missing; use one of \(Self.stateTypes.joined(separator: ", "))")
            return nil
        }
        let kind: State.Kind?
        switch type {
        case "Pass": kind = .pass(PassState(result: o["Result"]))
        case "Task": kind = task(o, location)
        case "Choice": kind = choice(o, location)
        case "Wait": kind = wait(o, location)
        case "Succeed": kind = .succeed
        case "Fail": kind = fail(o, location)
        case "Parallel": kind = parallel(o, location)
        case "Map": kind = map(o, location)
        default:
            problem("\(location).Type", "unknown state type '\(type)'; use one of \(Self.stateTypes.joined(separator: ", "))")
            return nil
        }
        guard let kind else { return nil }
        let terminal = type == "Succeed" || type == "Fail" || type == "Choice"
        var transition: Transition? = nil
        let next = string(o, "Next", location)
        let end = o["End"]
        if terminal {
            if next != nil || end != nil, type != "Choice" || next != nil {
                problem(location, "a \(type) state cannot have Next or End")
            }
        } else if let next, end == .bool(true) {
            problem(location, "has both Next ('\(next)') and End; keep one")
        } else if let next {
            transition = .next(next)
        } else if end == .bool(true) {
            transition = .end
        } else {
            problem(location, "needs either Next or \"End\": true")
        }
        let parametersKey = type == "Map" && o["ItemSelector"] == nil ? "Parameters" : "Parameters"
        return State(
            name: name, comment: o["Comment"]?.stringValue, kind: kind,
            inputPath: filterPath(o, "InputPath", location), outputPath: filterPath(o, "OutputPath", location),
            transition: transition,
            parameters: type == "Map" ? nil : template(o, parametersKey, location),
            resultSelector: template(o, "ResultSelector", location), resultPath: resultPath(o, location),
            retriers: retriers(o, location), catchers: catchers(o, location))
    }

    private func task(_ o: JSONObject, _ location: String) -> State.Kind? {
        guard let resource = string(o, "Resource", location) else {
            problem("\(location).Resource", "missing; a Task needs a Resource ARN or a registered function name")
            return nil
        }
        return .task(TaskState(
            resource: resource,
            timeoutSeconds: o["TimeoutSeconds"].flatMap { integerField($0, "\(location).TimeoutSeconds") },
            timeoutSecondsPath: path(o, "TimeoutSecondsPath", location),
            heartbeatSeconds: o["HeartbeatSeconds"].flatMap { integerField($0, "\(location).HeartbeatSeconds") },
            heartbeatSecondsPath: path(o, "HeartbeatSecondsPath", location)))
    }

    private func choice(_ o: JSONObject, _ location: String) -> State.Kind? {
        guard case .array(let items)? = o["Choices"], !items.isEmpty else {
            problem("\(location).Choices", "missing or empty; a Choice state needs at least one rule")
            return nil
        }
        var branches: [ChoiceBranch] = []
        for (i, item) in items.enumerated() {
            let ruleLocation = "\(location).Choices[\(i)]"
            guard let next = item["Next"]?.stringValue else {
                problem("\(ruleLocation).Next", "missing; every top-level choice rule needs Next")
                continue
            }
            if let rule = ChoiceRule.parse(item, location: ruleLocation, problem: { problem($0, $1) }) {
                branches.append(ChoiceBranch(index: i, rule: rule, next: next))
            }
        }
        return .choice(ChoiceState(choices: branches, defaultState: string(o, "Default", location)))
    }

    private func wait(_ o: JSONObject, _ location: String) -> State.Kind? {
        let keys = ["Seconds", "SecondsPath", "Timestamp", "TimestampPath"].filter { o[$0] != nil }
        guard keys.count == 1 else {
            problem(location, "a Wait state needs exactly one of Seconds, SecondsPath, Timestamp, TimestampPath")
            return nil
        }
        switch keys[0] {
        case "Seconds":
            guard let s = integerField(o["Seconds"]!, "\(location).Seconds") else { return nil }
            return .wait(WaitState(duration: .seconds(s)))
        case "SecondsPath": return path(o, "SecondsPath", location).map { .wait(WaitState(duration: .secondsPath($0))) }
        case "Timestamp":
            guard let t = string(o, "Timestamp", location) else { return nil }
            if Timestamp.parse(t) == nil { problem("\(location).Timestamp", "'\(t)' is not an ISO-8601 timestamp such as 2016-03-14T01:59:00Z") }
            return .wait(WaitState(duration: .timestamp(t)))
        default: return path(o, "TimestampPath", location).map { .wait(WaitState(duration: .timestampPath($0))) }
        }
    }

    private func fail(_ o: JSONObject, _ location: String) -> State.Kind? {
        func dynamic(_ key: String) -> (JSONPath?, IntrinsicCall?) {
            guard let text = string(o, key, location) else { return (nil, nil) }
            if IntrinsicCall.looksLikeCall(text) {
                do { return (nil, try IntrinsicCall.parse(text)) } catch { problem("\(location).\(key)", error.description) }
                return (nil, nil)
            }
            return (path(o, key, location), nil)
        }
        let (errorPath, errorCall) = dynamic("ErrorPath")
        let (causePath, causeCall) = dynamic("CausePath")
        if o["Error"] != nil && o["ErrorPath"] != nil { problem(location, "has both Error and ErrorPath; keep one") }
        if o["Cause"] != nil && o["CausePath"] != nil { problem(location, "has both Cause and CausePath; keep one") }
        return .fail(FailState(
            error: string(o, "Error", location), errorPath: errorPath, cause: string(o, "Cause", location),
            causePath: causePath, errorCall: errorCall, causeCall: causeCall))
    }

    private func parallel(_ o: JSONObject, _ location: String) -> State.Kind? {
        guard case .array(let items)? = o["Branches"], !items.isEmpty else {
            problem("\(location).Branches", "missing or empty; a Parallel state needs at least one branch")
            return nil
        }
        let branches = items.enumerated().compactMap { machine($1, location: "\(location).Branches[\($0)]") }
        guard branches.count == items.count else { return nil }
        return .parallel(ParallelState(branches: branches))
    }
}
