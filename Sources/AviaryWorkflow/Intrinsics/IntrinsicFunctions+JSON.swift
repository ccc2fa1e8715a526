import AviaryJSON
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

    /// Shallow merge only: AWS rejects deep merging (`true`).
    func jsonMerge(_ args: [JSONValue], _ call: IntrinsicCall) throws(ASLError) -> JSONValue {
        try expectCount(args, 3...3, call)
        guard case .object(var merged) = args[0], case .object(let right) = args[1] else {
            throw invalid(call, "the first two arguments must be JSON objects")
        }
        guard case .bool(let deep) = args[2] else { throw invalid(call, "the third argument must be a boolean") }
        guard !deep else {
            throw invalid(call, "Currently, Step Functions only supports the shallow merging mode; therefore, you must specify the boolean value as false.")
        }
        for (key, value) in right { merged[key] = value }
        return .object(merged)
    }
}
