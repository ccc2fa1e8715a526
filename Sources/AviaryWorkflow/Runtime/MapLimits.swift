import AviaryJSON
/// MaxConcurrency and the tolerated-failure settings, read from the definition or from the
/// input through their `…Path` fields, with AWS's messages for bad values.
struct MapLimits {
    var concurrency: Int
    var toleratedFailureCount: Int?
    var toleratedFailurePercentage: Double?

    init(_ map: MapState, input: JSONValue, context: JSONValue, interpreter: Interpreter) throws {
        concurrency = map.maxConcurrency
        toleratedFailureCount = map.toleratedFailureCount
        toleratedFailurePercentage = map.toleratedFailurePercentage
        if let path = map.maxConcurrencyPath {
            let value = try interpreter.pathValue(path, in: input, context: context)
            guard case .int(let n) = value else {
                throw ASLError.runtime("The MaxConcurrencyPath field refers to value \"\(value.messageText)\" which is not a valid integer: \(path.text)")
            }
            guard n >= 0 else { throw ASLError.runtime("Expected non-negative integer for MaxConcurrency, got '\(n)' instead.") }
            concurrency = n
        }
        if let path = map.toleratedFailureCountPath {
            let value = try interpreter.pathValue(path, in: input, context: context)
            guard case .int(let n) = value else {
                throw ASLError.runtime("The ToleratedFailureCountPath field refers to value \"\(value.messageText)\" which is not a valid integer: \(path.text)")
            }
            toleratedFailureCount = n
        }
        if let count = toleratedFailureCount, count < 0 {
            throw ASLError.runtime("ToleratedFailureCount cannot be negative.")
        }
        if let path = map.toleratedFailurePercentagePath {
            let value = try interpreter.pathValue(path, in: input, context: context)
            guard let p = value.doubleValue else {
                throw ASLError.runtime("The ToleratedFailurePercentagePath field refers to value \"\(value.messageText)\" which is not a valid float: \(path.text)")
            }
            toleratedFailurePercentage = p
        }
        if let p = toleratedFailurePercentage, !(0...100).contains(p) {
            throw ASLError.runtime("ToleratedFailurePercentage must be between 0 and 100.")
        }
    }

    /// The most failed items the run may absorb; both settings apply when both are set.
    func toleratedCount(total: Int) -> Int {
        var allowed = toleratedFailureCount ?? (toleratedFailurePercentage == nil ? 0 : Int.max)
        if let p = toleratedFailurePercentage {
            allowed = min(allowed, Int((p / 100 * Double(total)).rounded(.down)))
        }
        return allowed
    }
}
