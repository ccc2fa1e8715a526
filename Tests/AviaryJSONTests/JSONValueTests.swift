import Foundation
import Testing
@testable import AviaryJSON

@Suite("JSON value model")
struct JSONValueTests {
    @Test("keeps key order and the integer/float spelling")
    func roundTrip() throws {
        let text = #"{"z":1,"a":1.0,"m":[true,null,"x\n\"y\""],"n":-0.5,"big":12345678901234567890}"#
        #expect(try JSONParser.parse(text).serialized() == #"{"z":1,"a":1.0,"m":[true,null,"x\n\"y\""],"n":-0.5,"big":1.2345678901234567E19}"#)
    }

    @Test("prints doubles the way Java does", arguments: [
        (1.0, "1.0"), (1.1, "1.1"), (1e20, "1.0E20"), (1.5e-5, "1.5E-5"), (0.001, "0.001"), (1234567.0, "1234567.0"),
        (12345678.9, "1.23456789E7"), (-2.5, "-2.5"), (100.0, "100.0"),
    ])
    func javaDoubles(value: Double, expected: String) {
        #expect(JSONValue.double(value).serialized() == expected)
    }

    @Test("parses unicode escapes and surrogate pairs")
    func unicode() throws {
        #expect(try JSONParser.parse(#""\u00e9\ud83d\ude00""#) == .string("é😀"))
    }

    @Test("rejects malformed documents with the byte offset")
    func malformed() {
        #expect(throws: JSONParseError(offset: 7, reason: "expected ',' or '}'")) { try JSONParser.parse(#"{"a":1 "b":2}"#) }
    }

    @Test("compares numbers by value only when asked")
    func equality() {
        #expect(JSONValue.int(1) != JSONValue.double(1.0))
        #expect(JSONValue.int(1).semanticallyEquals(.double(1.0)))
        #expect(!JSONValue.bool(true).semanticallyEquals(.int(1)))
    }

    @Test("travels through Codable with integers kept apart from doubles")
    func codable() throws {
        let value = try JSONParser.parse(#"{"z":1,"a":[2.5,null,true,"s"],"o":{"k":-3}}"#)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let encoded = try encoder.encode(value)
        #expect(String(decoding: encoded, as: UTF8.self) == #"{"a":[2.5,null,true,"s"],"o":{"k":-3},"z":1}"#)
        let decoded = try JSONDecoder().decode(JSONValue.self, from: encoded)
        #expect(decoded == value)
        #expect(decoded["z"] == .int(1))
        #expect(decoded["a"]?.arrayValue?.first == .double(2.5))
        #expect(JSONValue.double(4.0).integerValue == 4)
        #expect(JSONValue.double(4.5).integerValue == nil)
    }
}
