/// Why a text is not JSON, with the byte offset so the user can find the typo.
public struct JSONParseError: Error, CustomStringConvertible, Equatable {
    public let offset: Int
    public let reason: String

    public var description: String {
        "invalid JSON at byte \(offset): \(reason); check the document for a missing quote, comma or bracket"
    }
}
