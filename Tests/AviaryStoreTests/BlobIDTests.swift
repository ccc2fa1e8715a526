import AviaryStore
import Foundation
import Testing

@Suite struct BlobIDTests {
    let hex = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"

    @Test func parsesPrefixedAndBareDigests() throws {
        #expect(try BlobID(parsing: "sha256:" + hex).hex == hex)
        #expect(try BlobID(parsing: hex).description == "sha256:" + hex)
    }

    @Test(arguments: [
        "", "sha256:", "sha256:abc", "SHA256:" + String(repeating: "a", count: 64),
        "sha256:" + String(repeating: "A", count: 64), "sha256:" + String(repeating: "g", count: 64),
        "sha256:../../" + String(repeating: "a", count: 58), "md5:" + String(repeating: "a", count: 64),
        "sha256:" + String(repeating: "a", count: 65),
    ])
    func rejectsAnythingThatIsNotALowerCaseSHA256(_ text: String) {
        #expect(throws: StoreError.invalidBlobID(text)) { try BlobID(parsing: text) }
    }

    @Test func encodesAsItsPrintedForm() throws {
        let id = try BlobID(hex: hex)
        let data = try JSONEncoder().encode([id])
        #expect(String(decoding: data, as: UTF8.self) == "[\"sha256:\(hex)\"]")
        #expect(try JSONDecoder().decode([BlobID].self, from: data) == [id])
    }

    @Test func invalidIDMessageSaysWhatAnIDLooksLike() {
        #expect(StoreError.invalidBlobID("xyz").description
            == "'xyz' is not a blob id: expected 'sha256:' followed by 64 lower-case hex digits (as printed by `aviary blob put` or `aviary blob ls`)")
    }
}
