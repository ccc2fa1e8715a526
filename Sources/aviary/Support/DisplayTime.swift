import Foundation

/// How commands print instants for people: ISO 8601 to the second, in UTC.
enum DisplayTime {
    static func seconds(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false))
    }
}
