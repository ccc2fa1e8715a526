extension IntrinsicFunctions {
    /// An empty string parses to null, as AWS returns.
    func stringToJson(_ args: [JSONValue], _ call: IntrinsicCall) throws(ASLError) -> JSONValue {
        try expectCount(args, 1...1, call)
        let text = try string(args[0], call)
        if text.allSatisfy({ $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }) { return .null }
        do { return try JSONParser.parse(text) } catch { throw invalid(call, "the argument is not valid JSON: \(error.reason)") }
    }

    func jsonToString(_ args: [JSONValue], _ call: IntrinsicCall) throws(ASLError) -> JSONValue {
        try expectCount(args, 1...1, call)
        return .string(args[0].serialized())
    }

    /// Shallow merge only: AWS rejects deep merging (`true`) in Standard workflows.
    func jsonMerge(_ args: [JSONValue], _ call: IntrinsicCall) throws(ASLError) -> JSONValue {
        try expectCount(args, 3...3, call)
        guard case .object(var merged) = args[0], case .object(let right) = args[1] else {
            throw invalid(call, "the first two arguments must be JSON objects")
        }
        guard case .bool(let deep) = args[2] else { throw invalid(call, "the third argument must be a boolean") }
        if deep {
            merged = IntrinsicFunctions.deepMerge(merged, right)
        } else {
            for (key, value) in right { merged[key] = value }
        }
        return .object(merged)
    }

    private static func deepMerge(_ left: JSONObject, _ right: JSONObject) -> JSONObject {
        var merged = left
        for (key, value) in right {
            if case .object(let l)? = merged[key], case .object(let r) = value {
                merged[key] = .object(deepMerge(l, r))
            } else {
                merged[key] = value
            }
        }
        return merged
    }
}
