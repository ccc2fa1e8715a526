import AviaryJSON
extension IntrinsicFunctions {
    func arrayPartition(_ args: [JSONValue], _ call: IntrinsicCall) throws(ASLError) -> JSONValue {
        try expectCount(args, 2...2, call)
        let items = try array(args[0], call)
        let size = try integer(args[1], call)
        guard size > 0 else { throw invalid(call, "the chunk size must be greater than 0, got \(size)") }
        let chunks = stride(from: 0, to: items.count, by: size).map {
            JSONValue.array(Array(items[$0..<min($0 + size, items.count)]))
        }
        return .array(chunks)
    }

    func arrayContains(_ args: [JSONValue], _ call: IntrinsicCall) throws(ASLError) -> JSONValue {
        try expectCount(args, 2...2, call)
        let items = try array(args[0], call)
        return .bool(items.contains { $0.semanticallyEquals(args[1]) })
    }

    /// Inclusive of the end when the step lands on it; a positive step; at most 1,000 elements.
    func arrayRange(_ args: [JSONValue], _ call: IntrinsicCall) throws(ASLError) -> JSONValue {
        try expectCount(args, 3...3, call)
        let start = try integer(args[0], call)
        let end = try integer(args[1], call)
        let step = try integer(args[2], call)
        guard step > 0 else { throw invalid(call, "the step must be a positive integer, got \(step)") }
        let values = Array(stride(from: start, through: end, by: step))
        guard values.count <= 1000 else { throw invalid(call, "the range has more than 1000 elements") }
        return .array(values.map { .int($0) })
    }

    func arrayGetItem(_ args: [JSONValue], _ call: IntrinsicCall) throws(ASLError) -> JSONValue {
        try expectCount(args, 2...2, call)
        let items = try array(args[0], call)
        let index = try integer(args[1], call)
        guard items.indices.contains(index) else {
            throw invalid(call, "index \(index) is out of bounds for an array of length \(items.count)")
        }
        return items[index]
    }

    func arrayLength(_ args: [JSONValue], _ call: IntrinsicCall) throws(ASLError) -> JSONValue {
        try expectCount(args, 1...1, call)
        return .int(try array(args[0], call).count)
    }

    func arrayUnique(_ args: [JSONValue], _ call: IntrinsicCall) throws(ASLError) -> JSONValue {
        try expectCount(args, 1...1, call)
        var unique: [JSONValue] = []
        for item in try array(args[0], call) where !unique.contains(where: { $0.semanticallyEquals(item) }) {
            unique.append(item)
        }
        return .array(unique)
    }
}
