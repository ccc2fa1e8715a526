/// A documented configuration key: where it is read from, its default, and what values it takes.
///
/// Every key `section.name` can be set in `.aviary/config.toml` under `[section]`, and overridden by
/// the environment variable `AVIARY_SECTION_NAME`; a command-line flag, where one exists, wins over both.
public struct ConfigurationKey: Hashable, Sendable {
    public enum ValueType: String, Sendable {
        case string, integer, number, boolean
    }

    public let name: String
    public let type: ValueType
    public let defaultValue: String
    /// When non-empty, the only values the key accepts.
    public let allowed: [String]
    public let summary: String

    public var section: String { String(name.split(separator: ".")[0]) }
    public var field: String { String(name.split(separator: ".")[1]) }
    public var environmentVariable: String {
        "AVIARY_" + name.uppercased().replacingOccurrences(of: ".", with: "_")
    }
}

extension ConfigurationKey {
    public static let logLevel = ConfigurationKey(
        name: "log.level", type: .string, defaultValue: "warning",
        allowed: ["trace", "debug", "info", "notice", "warning", "error", "critical"],
        summary: "The least severe log messages written to standard error.")
    public static let logFormat = ConfigurationKey(
        name: "log.format", type: .string, defaultValue: "text", allowed: ["text", "json"],
        summary: "text writes logfmt lines (key=value); json writes one JSON object per line.")
    public static let storeBusyTimeoutSeconds = ConfigurationKey(
        name: "store.busy_timeout_seconds", type: .number, defaultValue: "30", allowed: [],
        summary: "How long a write waits for another process holding the database's write lock.")
    public static let blobsTemporaryMaxAgeHours = ConfigurationKey(
        name: "blobs.temporary_max_age_hours", type: .number, defaultValue: "24", allowed: [],
        summary: "Age after which `aviary fsck --prune` deletes a crashed writer's temporary blob file.")

    /// Every key Aviary reads, in the order `aviary config list` shows them.
    public static let all: [ConfigurationKey] = [.logLevel, .logFormat, .storeBusyTimeoutSeconds, .blobsTemporaryMaxAgeHours]

    public static func named(_ name: String) -> ConfigurationKey? {
        all.first { $0.name == name }
    }
}
