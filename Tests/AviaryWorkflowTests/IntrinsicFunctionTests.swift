import Testing
import AviaryWorkflow

@Suite("Intrinsic functions")
struct IntrinsicFunctionTests {
    @Test("compute AWS's results", arguments: [
        ("States.Format('Hello, {} is {}', $.name, $.age)", #"{"name":"Ada","age":36}"#, #""Hello, Ada is 36""#),
        ("States.Format('{}', $.obj)", #"{"obj":{"a":[1.5]}}"#, #""{a=[1.5]}""#),
        ("States.StringToJson($.s)", #"{"s":"{\"k\":[1,2.5]}"}"#, #"{"k":[1,2.5]}"#),
        ("States.JsonToString($.o)", #"{"o":{"b":1,"a":null}}"#, #""{\"b\":1,\"a\":null}""#),
        ("States.Array('a', 1, $.x, States.Array())", #"{"x":true}"#, #"["a",1,true,[]]"#),
        ("States.ArrayPartition($.a, 2)", #"{"a":[1,2,3,4,5]}"#, "[[1,2],[3,4],[5]]"),
        ("States.ArrayContains($.a, 3)", #"{"a":[1,2,3]}"#, "true"),
        ("States.ArrayRange(1, 9, 2)", "{}", "[1,3,5,7,9]"),
        ("States.ArrayRange(5, 1, 2)", "{}", "[]"),
        ("States.Format('{} and {}', $.a, $.o)", #"{"a":[1,"x"],"o":{"k":[],"n":null}}"#, #""[1, x] and {k=[], n=null}""#),
        ("States.ArrayGetItem($.a, 1)", #"{"a":["x","y"]}"#, #""y""#),
        ("States.ArrayLength($.a)", #"{"a":[1,2,3]}"#, "3"),
        ("States.ArrayUnique($.a)", #"{"a":[1,2,2,"1",{"k":1},{"k":1}]}"#, #"[1,2,"1",{"k":1}]"#),
        ("States.Base64Encode($.s)", #"{"s":"Data to encode"}"#, #""RGF0YSB0byBlbmNvZGU=""#),
        ("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')", "{}", #""Data to encode""#),
        ("States.Hash($.s, 'SHA-1')", #"{"s":"input data"}"#, #""aaff4a450a104cd177d28d18d74485e8cae074b7""#),
        ("States.Hash($.s, 'SHA-256')", #"{"s":"input data"}"#, #""b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3""#),
        ("States.JsonMerge($.a, $.b, false)", #"{"a":{"x":1,"y":{"p":1}},"b":{"y":{"q":2}}}"#, #"{"x":1,"y":{"q":2}}"#),
        ("States.MathAdd($.n, -3)", #"{"n":10}"#, "7"),
        ("States.StringSplit('a,b;;c', ',;')", "{}", #"["a","b","c"]"#),
        ("States.Format('esc \\'q\\' {}', 'x')", "{}", #""esc 'q' x""#),
    ])
    func results(expression: String, input: String, expected: String) async throws {
        let result = try await evaluateIntrinsic(expression, input: try json(input))
        #expect(result.status == .succeeded, "\(result)")
        #expect(result.output?["FunctionResult"]?.serialized() == expected)
    }

    @Test("UUID is a version-4 UUID from the injected random source")
    func uuid() async throws {
        let value = try await evaluateIntrinsic("States.UUID()").output?["FunctionResult"]?.stringValue ?? ""
        #expect(value.count == 36)
        #expect(Array(value)[14] == "4")
        #expect(value.split(separator: "-").map(\.count) == [8, 4, 4, 4, 12])
    }

    @Test("MathRandom with a seed is reproducible and in [start, end)")
    func mathRandom() async throws {
        let a = try await evaluateIntrinsic("States.MathRandom(10, 20, 99)").output?["FunctionResult"]
        let b = try await evaluateIntrinsic("States.MathRandom(10, 20, 99)").output?["FunctionResult"]
        #expect(a == b)
        guard case .int(let n)? = a else { Issue.record("not an integer: \(String(describing: a))"); return }
        #expect((10..<20).contains(n))
    }

    @Test("bad arguments fail the execution with States.Runtime naming the state")
    func failure() async throws {
        let result = try await evaluateIntrinsic("States.ArrayGetItem($.a, 5)", input: ["a": [1]])
        #expect(result.status == .failed)
        #expect(result.error == "States.Runtime")
        #expect(result.cause == "An error occurred while executing the state 'S' (entered at the event id #2). The function 'States.ArrayGetItem($.a, 5)' had the following error: index 5 is out of bounds for an array of length 1")
    }
}
