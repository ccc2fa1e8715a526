import AviaryJSON
import AviaryStore
import Foundation

/// An event as subscribers receive it: the webhook body and a rule's `AVIARY_EVENT`.
public struct EventEnvelope: Codable, Sendable, Hashable {
    public var sequence: Int64
    public var type: String
    public var subject: String
    public var time: Date
    public var payload: JSONValue

    public init(_ event: Event) {
        sequence = event.sequence
        type = event.type
        subject = event.subject
        time = event.time
        payload = (try? JSONParser.parse(String(decoding: event.payload, as: UTF8.self))) ?? .null
    }

    /// Canonical JSON bytes: what is signed is exactly what is sent.
    public func encoded() throws -> Data { try CanonicalJSON.encode(self) }
}
