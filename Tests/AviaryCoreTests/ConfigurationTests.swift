@testable import AviaryCore
import AviaryTestSupport
import Foundation
import Testing

@Suite struct ConfigurationTests {
    @Test func theFileInitWritesParsesToTheDefaults() throws {
        let directory = TemporaryDirectory()
        let file = try directory.write("config.toml", Data(Configuration.defaultFileText.utf8))
        let configuration = try Configuration.load(file: file, environment: [:])
        #expect(configuration.list.map(\.value) == Configuration.defaults.list.map(\.value))
        #expect(configuration.list.allSatisfy { $0.source == .file })
    }

    @Test func flagBeatsEnvironmentBeatsFileBeatsDefault() throws {
        let directory = TemporaryDirectory()
        let file = try directory.write("config.toml", Data("[log]\nlevel = \"info\"\nformat = \"json\"\n".utf8))
        let configuration = try Configuration.load(
            file: file, environment: ["AVIARY_LOG_LEVEL": "debug", "AVIARY_STORE_BUSY_TIMEOUT_SECONDS": "5"],
            overrides: ["log.level": "error"])
        #expect(configuration.values["log.level"] == .init(key: "log.level", value: "error", source: .flag))
        #expect(configuration.values["log.format"] == .init(key: "log.format", value: "json", source: .file))
        #expect(configuration.double(.storeBusyTimeoutSeconds) == 5)
        #expect(configuration.values["store.busy_timeout_seconds"]?.source == .environment)
        #expect(configuration.values["blobs.temporary_max_age_hours"]?.source == .defaultValue)
    }

    @Test func environmentVariablesFollowTheKeyNames() {
        #expect(ConfigurationKey.all.map(\.environmentVariable)
            == ["AVIARY_LOG_LEVEL", "AVIARY_LOG_FORMAT", "AVIARY_STORE_BUSY_TIMEOUT_SECONDS", "AVIARY_BLOBS_TEMPORARY_MAX_AGE_HOURS"])
    }

    @Test func anUnknownKeyInTheFileIsNamedWithTheFile() throws {
        let directory = TemporaryDirectory()
        let file = try directory.write("config.toml", Data("[log]\nlevle = \"info\"\n".utf8))
        #expect(throws: ConfigurationError.unknownKey(origin: file.path, key: "log.levle", known: ConfigurationKey.all.map(\.name))) {
            try Configuration.load(file: file, environment: [:])
        }
    }

    @Test func aBadValueNamesItsOriginTheKeyAndWhatIsAllowed() throws {
        #expect(throws: ConfigurationError.invalidValue(origin: "AVIARY_LOG_LEVEL", key: "log.level", value: "loud",
                                                        expected: "one of trace, debug, info, notice, warning, error, critical")) {
            try Configuration.load(file: nil, environment: ["AVIARY_LOG_LEVEL": "loud"])
        }
        #expect(throws: ConfigurationError.invalidValue(origin: "AVIARY_STORE_BUSY_TIMEOUT_SECONDS", key: "store.busy_timeout_seconds",
                                                        value: "-1", expected: "a non-negative number")) {
            try Configuration.load(file: nil, environment: ["AVIARY_STORE_BUSY_TIMEOUT_SECONDS": "-1"])
        }
    }

    @Test func aSyntaxErrorNamesTheFileAndLine() throws {
        let directory = TemporaryDirectory()
        let file = try directory.write("config.toml", Data("[log]\nlevel = \"info\"\nformat = \n".utf8))
        do {
            _ = try Configuration.load(file: file, environment: [:])
            Issue.record("a broken file was accepted")
        } catch let ConfigurationError.syntax(path, line, _, _) {
            #expect(path == file.path)
            #expect(line == 3)
        }
    }
}
