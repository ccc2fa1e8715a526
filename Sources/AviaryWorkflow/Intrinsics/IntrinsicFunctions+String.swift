import Foundation
import AviaryJSON

extension IntrinsicFunctions {
    func format(_ args: [JSONValue], _ call: IntrinsicCall) throws(ASLError) -> JSONValue {
        guard let first = args.first else { throw invalid(call, "expected at least 1 argument") }
        let template = try string(first, call)
        var values = args.dropFirst().makeIterator()
        var out = ""
        var chars = template.makeIterator()
        var pending: Character? = nil
        var used = 0
        while let c = pending ?? chars.next() {
            pending = nil
            if c == "{" {
                let next = chars.next()
                if next == "}" {
                    guard let value = values.next() else {
                        throw invalid(call, "the number of arguments does not match the number of placeholders")
                    }
                    used += 1
                    out += IntrinsicFunctions.formatText(value)
                    continue
                }
                out.append(c)
                pending = next
                continue
            }
            out.append(c)
        }
        guard used == args.count - 1 else {
            throw invalid(call, "the number of arguments does not match the number of placeholders")
        }
        return .string(out)
    }

    /// How States.Format prints a value: strings bare, containers in Java's `toString` style
    /// (`[a, 1]`, `{key=value, other=[]}`), other values as JSON.
    static func formatText(_ value: JSONValue) -> String {
        switch value {
        case .string(let s): return s
        case .array(let items): return "[" + items.map(formatText).joined(separator: ", ") + "]"
        case .object(let object): return "{" + object.map { "\($0.key)=\(formatText($0.value))" }.joined(separator: ", ") + "}"
        default: return value.serialized()
        }
    }

    /// Splits on every character of the delimiter and drops empty pieces, as AWS does.
    func stringSplit(_ args: [JSONValue], _ call: IntrinsicCall) throws(ASLError) -> JSONValue {
        try expectCount(args, 2...2, call)
        let text = try string(args[0], call)
        let delimiters = Set(try string(args[1], call))
        let parts = text.split(omittingEmptySubsequences: true) { delimiters.contains($0) }
        return .array(parts.map { .string(String($0)) })
    }

    func base64Encode(_ args: [JSONValue], _ call: IntrinsicCall) throws(ASLError) -> JSONValue {
        try expectCount(args, 1...1, call)
        let text = try string(args[0], call)
        guard text.utf8.count <= 10_000 else { throw invalid(call, "the input string exceeds 10000 characters") }
        return .string(Data(text.utf8).base64EncodedString())
    }

    func base64Decode(_ args: [JSONValue], _ call: IntrinsicCall) throws(ASLError) -> JSONValue {
        try expectCount(args, 1...1, call)
        let text = try string(args[0], call)
        guard text.utf8.count <= 10_000 else { throw invalid(call, "the input string exceeds 10000 characters") }
        guard let data = Data(base64Encoded: text) else { throw invalid(call, "the input is not valid base64") }
        return .string(String(decoding: data, as: UTF8.self))
    }

    func uuid(_ args: [JSONValue], _ call: IntrinsicCall) throws(ASLError) -> JSONValue {
        try expectCount(args, 0...0, call)
        var bytes = (0..<16).map { _ in UInt8(truncatingIfNeeded: random.nextUInt64()) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let h = Array(hex)
        let groups = [h[0..<8], h[8..<12], h[12..<16], h[16..<20], h[20..<32]].map { String($0) }
        return .string(groups.joined(separator: "-"))
    }
}
