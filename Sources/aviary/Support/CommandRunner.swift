import ArgumentParser
import AviaryCore
import Foundation
import Logging

/// Runs a command body with logging set up and the project open, and turns any failure into an
/// `error: …` line on standard error and the exit status `ErrorDisposition` assigns to it.
enum CommandRunner {
    static func run(_ options: GlobalOptions, _ body: (Project, Logger) async throws -> Void) async throws {
        try await guarded {
            let layout = try ProjectLocator(explicitPath: options.project).locate()
            let logger = try bootstrapLogging(options, configurationFile: layout.configuration)
            let project = try Project.open(layout, overrides: options.configurationOverrides, logger: logger)
            try await body(project, logger)
        }
    }

    /// For commands that work without an existing project, such as `init`.
    static func runWithoutProject(_ options: GlobalOptions, _ body: (Logger) async throws -> Void) async throws {
        try await guarded {
            try await body(try bootstrapLogging(options, configurationFile: nil))
        }
    }

    private static func guarded(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as ExitCode {
            throw error
        } catch {
            let disposition = ErrorDisposition(error)
            FileHandle.standardError.write(Data("error: \(disposition.message)\n".utf8))
            throw ExitCode(disposition.exitCode)
        }
    }

    private static func bootstrapLogging(_ options: GlobalOptions, configurationFile: URL?) throws -> Logger {
        let configuration = try Configuration.load(file: configurationFile, environment: ProcessInfo.processInfo.environment,
                                                   overrides: options.configurationOverrides)
        let level = Logger.Level(rawValue: configuration.string(.logLevel)) ?? .warning
        let format = StructuredLogHandler.Format(rawValue: configuration.string(.logFormat)) ?? .text
        LoggingSystem.bootstrap { StructuredLogHandler(label: $0, level: level, format: format) }
        return Logger(label: "aviary.cli")
    }
}
