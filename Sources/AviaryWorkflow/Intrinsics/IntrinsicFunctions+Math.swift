import AviaryJSON
extension IntrinsicFunctions {
    /// A random integer in [start, end); the optional seed makes the draw reproducible.
    func mathRandom(_ args: [JSONValue], _ call: IntrinsicCall) throws(ASLError) -> JSONValue {
        try expectCount(args, 2...3, call)
        let start = try integer(args[0], call)
        let end = try integer(args[1], call)
        guard end > start else { throw invalid(call, "the end must be greater than the start") }
        let span = UInt64(end - start)
        let draw: UInt64
        if args.count == 3 {
            var seeded = SplitMix64(seed: UInt64(bitPattern: Int64(try integer(args[2], call))))
            draw = seeded.next() % span
        } else {
            draw = random.nextUInt64() % span
        }
        return .int(start + Int(draw))
    }

    /// Both operands are rounded half up to integers first, as AWS does with fractional input.
    func mathAdd(_ args: [JSONValue], _ call: IntrinsicCall) throws(ASLError) -> JSONValue {
        try expectCount(args, 2...2, call)
        let (sum, overflow) = try integer(args[0], call).addingReportingOverflow(try integer(args[1], call))
        guard !overflow else { throw invalid(call, "the sum overflows a 64-bit integer") }
        return .int(sum)
    }
}
