import Foundation
import AviaryJSON

/// Evaluates intrinsic calls. Randomness comes from the execution's injected generator so
/// tests and replays are deterministic.
public struct IntrinsicFunctions {
    static let names: Set<String> = [
        "States.Format", "States.StringToJson", "States.JsonToString", "States.Array", "States.ArrayPartition",
        "States.ArrayContains", "States.ArrayRange", "States.ArrayGetItem", "States.ArrayLength",
        "States.ArrayUnique", "States.Base64Encode", "States.Base64Decode", "States.Hash", "States.JsonMerge",
        "States.MathRandom", "States.MathAdd", "States.StringSplit", "States.UUID",
    ]

    let input: JSONValue
    let context: JSONValue
    let random: any RandomSource
    /// The whole expression as written; AWS names it (not a nested call) in every error.
    let expression: String

    func evaluate(_ call: IntrinsicCall) throws(ASLError) -> JSONValue {
        var args: [JSONValue] = []
        args.reserveCapacity(call.arguments.count)
        for argument in call.arguments { args.append(try value(of: argument, in: call)) }
        let f = call.function
        switch f {
        case "States.Format": return try format(args, call)
        case "States.StringToJson": return try stringToJson(args, call)
        case "States.JsonToString": return try jsonToString(args, call)
        case "States.Array": return .array(args)
        case "States.ArrayPartition": return try arrayPartition(args, call)
        case "States.ArrayContains": return try arrayContains(args, call)
        case "States.ArrayRange": return try arrayRange(args, call)
        case "States.ArrayGetItem": return try arrayGetItem(args, call)
        case "States.ArrayLength": return try arrayLength(args, call)
        case "States.ArrayUnique": return try arrayUnique(args, call)
        case "States.Base64Encode": return try base64Encode(args, call)
        case "States.Base64Decode": return try base64Decode(args, call)
        case "States.Hash": return try hash(args, call)
        case "States.JsonMerge": return try jsonMerge(args, call)
        case "States.MathRandom": return try mathRandom(args, call)
        case "States.MathAdd": return try mathAdd(args, call)
        case "States.StringSplit": return try stringSplit(args, call)
        case "States.UUID": return try uuid(args, call)
        default: throw ASLError.runtime("The intrinsic function \(f) is not supported.")
        }
    }

    private func value(of argument: IntrinsicArgument, in call: IntrinsicCall) throws(ASLError) -> JSONValue {
        switch argument {
        case .literal(let v): return v
        case .call(let inner): return try evaluate(inner)
        case .path(let path):
            switch path.evaluate(input, context: context) {
            case .value(let v): return v
            case .list(let l): return .array(l)
            case .missing:
                let source = path.isContextPath ? context : input
                throw invalid(call, "The JsonPath argument for the field '\(path.text)' could not be found in the input '\(source.serialized())'")
            }
        }
    }

    // MARK: argument checking shared by the function families

    func invalid(_ call: IntrinsicCall, _ reason: String) -> ASLError {
        ASLError.runtime("The function '\(expression)' had the following error: \(reason)")
    }

    func expectCount(_ args: [JSONValue], _ range: ClosedRange<Int>, _ call: IntrinsicCall) throws(ASLError) {
        guard range.contains(args.count) else {
            throw invalid(call, "expected \(range.lowerBound == range.upperBound ? "\(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)") arguments but got \(args.count)")
        }
    }

    func string(_ v: JSONValue, _ call: IntrinsicCall) throws(ASLError) -> String {
        guard case .string(let s) = v else { throw invalid(call, "expected a string argument, got \(v.typeName) \(v)") }
        return s
    }

    func array(_ v: JSONValue, _ call: IntrinsicCall) throws(ASLError) -> [JSONValue] {
        guard case .array(let a) = v else { throw invalid(call, "expected an array argument, got \(v.typeName) \(v)") }
        return a
    }

    /// An integer argument; AWS accepts numbers with a fractional part and rounds them half up.
    func integer(_ v: JSONValue, _ call: IntrinsicCall) throws(ASLError) -> Int {
        switch v {
        case .int(let i): return i
        case .double(let d) where d.isFinite: return Int((d + 0.5).rounded(.down))
        default: throw invalid(call, "expected an integer argument, got \(v.typeName) \(v)")
        }
    }
}
