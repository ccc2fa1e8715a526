import AviaryJSON
/// Retry and Catch: both are arrays of objects keyed by ErrorEquals.
extension DefinitionParser {
    func retriers(_ o: JSONObject, _ location: String) -> [Retrier] {
        handlers(o, "Retry", location).compactMap { at, r, errors -> Retrier? in
            let backoff = r["BackoffRate"]?.doubleValue ?? 2.0
            if backoff < 1.0 { problem("\(at).BackoffRate", "must be at least 1.0, got \(backoff)") }
            let jitterText = string(r, "JitterStrategy", at) ?? "NONE"
            let jitter = Retrier.Jitter(rawValue: jitterText)
            if jitter == nil { problem("\(at).JitterStrategy", "must be FULL or NONE, got '\(jitterText)'") }
            return Retrier(
                errorEquals: errors,
                intervalSeconds: r["IntervalSeconds"].flatMap { integerField($0, "\(at).IntervalSeconds") } ?? 1,
                maxAttempts: r["MaxAttempts"].flatMap { integerField($0, "\(at).MaxAttempts") } ?? 3,
                backoffRate: backoff,
                maxDelaySeconds: r["MaxDelaySeconds"].flatMap { integerField($0, "\(at).MaxDelaySeconds") },
                jitter: jitter ?? .none)
        }
    }

    func catchers(_ o: JSONObject, _ location: String) -> [Catcher] {
        handlers(o, "Catch", location).compactMap { at, c, errors -> Catcher? in
            guard let next = string(c, "Next", at) else {
                problem("\(at).Next", "missing; a catcher must name the state to go to")
                return nil
            }
            return Catcher(errorEquals: errors, next: next, resultPath: resultPath(c, at))
        }
    }

    /// The entries of a Retry or Catch array that are objects with a valid ErrorEquals.
    private func handlers(_ o: JSONObject, _ key: String, _ location: String) -> [(String, JSONObject, [String])] {
        guard let value = o[key] else { return [] }
        guard case .array(let items) = value else {
            problem("\(location).\(key)", "must be an array of objects with ErrorEquals")
            return []
        }
        return items.enumerated().compactMap { i, item in
            let at = "\(location).\(key)[\(i)]"
            guard case .object(let entry) = item else {
                problem(at, "must be an object with ErrorEquals")
                return nil
            }
            return errorEquals(entry, at).map { (at, entry, $0) }
        }
    }

    private func errorEquals(_ o: JSONObject, _ at: String) -> [String]? {
        guard case .array(let names)? = o["ErrorEquals"], !names.isEmpty else {
            problem("\(at).ErrorEquals", "missing or empty; list the error names to match, e.g. [\"States.ALL\"]")
            return nil
        }
        let strings = names.compactMap(\.stringValue)
        guard strings.count == names.count else {
            problem("\(at).ErrorEquals", "must contain only strings")
            return nil
        }
        if strings.contains(ErrorName.all) && strings.count > 1 {
            problem("\(at).ErrorEquals", "States.ALL must appear alone")
        }
        return strings
    }
}
