import Testing
@testable import AviaryWorkflow
import AviaryJSON

@Suite("JSONPath")
struct JSONPathTests {
    let document: JSONValue = ["store": ["books": [
        ["title": "A", "price": 8, "tags": ["x"]], ["title": "B", "price": 12], ["title": "C", "price": 20],
    ]], "it's": 1]

    @Test("definite paths return one value", arguments: [
        ("$.store.books[0].title", JSONValue.string("A")), ("$['store']['books'][1]['price']", JSONValue.int(12)),
        ("$.store.books[-1].title", JSONValue.string("C")), ("$.store.books.length()", JSONValue.int(3)),
    ] as [(String, JSONValue)])
    func definite(path: String, expected: JSONValue) throws {
        #expect(try JSONPath(path).evaluate(document) == .value(expected))
    }

    @Test("indefinite paths return lists", arguments: [
        ("$.store.books[*].title", ["A", "B", "C"] as JSONValue), ("$.store.books[1:].price", [12, 20]),
        ("$.store.books[?(@.price > 10)].title", ["B", "C"]), ("$..title", ["A", "B", "C"]),
        ("$.store.books[?(@.tags)].title", ["A"]), ("$.store.books[?(@.price < 10 || @.title == 'C')].title", ["A", "C"]),
        ("$.missing[*]", []), ("$.store.books.[?(@.price >= 12)].title", ["B", "C"]),
    ] as [(String, JSONValue)])
    func indefinite(path: String, expected: JSONValue) throws {
        #expect(try JSONPath(path).evaluate(document).asValue == expected)
    }

    @Test("missing values explain themselves like Jayway")
    func missing() throws {
        #expect(try JSONPath("$.store.nope").evaluate(document) == .missing(reason: "No results for path: $['store']['nope']"))
        #expect(try JSONPath("$.a.b").evaluate(document) == .missing(reason: "Missing property in path $['a']"))
    }

    @Test("ResultPath assignment creates intermediate objects")
    func assign() throws {
        let out = try JSONPath("$.a.b").assign(1, into: ["a": ["c": 2]])
        #expect(out.serialized() == #"{"a":{"c":2,"b":1}}"#)
        #expect(throws: ASLError.self) { try JSONPath("$.a.b").assign(1, into: ["a": "text"]) }
    }

    @Test("syntax errors name the path")
    func syntax() {
        #expect(throws: PathSyntaxError(path: "store", reason: "a path must begin with '$'")) { try JSONPath("store") }
    }
}
