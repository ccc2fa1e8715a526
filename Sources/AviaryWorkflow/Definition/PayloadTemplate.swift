import AviaryJSON
/// Parameters, ItemSelector and ResultSelector: a JSON template whose `"key.$"` fields are
/// filled from a path, the context object or an intrinsic call. Compiled once so paths and
/// intrinsic calls are not re-parsed for every item of a Map.
public indirect enum PayloadTemplate: Sendable {
    case literal(JSONValue)
    case object([Field])
    case array([PayloadTemplate])

    public struct Field: Sendable {
        public let key: String
        public let value: Value
    }

    public enum Value: Sendable {
        case template(PayloadTemplate)
        /// A `.$` field; `fieldName` keeps the `.$` suffix because AWS names it in errors.
        case path(JSONPath, fieldName: String)
        case intrinsic(IntrinsicCall, fieldName: String)
    }

    /// Compiles a template, reporting each bad `.$` field through `problem` (field path, message).
    static func compile(_ json: JSONValue, location: String, problem: (String, String) -> Void) -> PayloadTemplate {
        switch json {
        case .object(let object):
            var fields: [Field] = []
            var dynamic = false
            for (key, value) in object {
                let fieldLocation = "\(location).\(key)"
                if key.hasSuffix(".$") {
                    dynamic = true
                    let outKey = String(key.dropLast(2))
                    guard case .string(let expr) = value else {
                        problem(fieldLocation, "the value of a field ending in '.$' must be a path or intrinsic function string")
                        continue
                    }
                    if IntrinsicCall.looksLikeCall(expr) {
                        do {
                            fields.append(Field(key: outKey, value: .intrinsic(try IntrinsicCall.parse(expr), fieldName: key)))
                        } catch {
                            problem(fieldLocation, error.description)
                        }
                    } else {
                        do {
                            fields.append(Field(key: outKey, value: .path(try JSONPath(expr), fieldName: key)))
                        } catch {
                            problem(fieldLocation, error.description)
                        }
                    }
                } else {
                    let inner = compile(value, location: fieldLocation, problem: problem)
                    if case .literal = inner {} else { dynamic = true }
                    fields.append(Field(key: key, value: .template(inner)))
                }
            }
            return dynamic ? .object(fields) : .literal(json)
        case .array(let items):
            let compiled = items.enumerated().map { compile($1, location: "\(location)[\($0)]", problem: problem) }
            if compiled.allSatisfy({ if case .literal = $0 { return true } else { return false } }) { return .literal(json) }
            return .array(compiled)
        default:
            return .literal(json)
        }
    }
}

extension PayloadTemplate {
    /// Fills the template from the effective input and the context object.
    func evaluate(input: JSONValue, context: JSONValue, random: any RandomSource) throws(ASLError) -> JSONValue {
        switch self {
        case .literal(let v): return v
        case .array(let items):
            var out: [JSONValue] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try item.evaluate(input: input, context: context, random: random)) }
            return .array(out)
        case .object(let fields):
            var object = JSONObject()
            for field in fields {
                switch field.value {
                case .template(let t):
                    object[field.key] = try t.evaluate(input: input, context: context, random: random)
                case .path(let path, let fieldName):
                    guard let v = path.evaluate(input, context: context, indexPastEndIsNull: true).asValue else {
                        let source = path.isContextPath ? context : input
                        throw ASLError.runtime(
                            "The JSONPath '\(path.text)' specified for the field '\(fieldName)' could not be found in the input '\(source.serialized())'")
                    }
                    object[field.key] = v
                case .intrinsic(let call, _):
                    let functions = IntrinsicFunctions(input: input, context: context, random: random, expression: call.text)
                    object[field.key] = try functions.evaluate(call)
                }
            }
            return .object(object)
        }
    }
}
