@testable import AviaryCore
import AviaryTestSupport
import Foundation
import Testing

/// A step's command gets standard input, output and error and nothing else of ours.
@Suite struct ChildProcessTests {
    @Test func theCommandInheritsNoDescriptorBeyondTheStandardThree() async throws {
        let directory = TemporaryDirectory("child")
        var ends: [Int32] = [0, 0]
        #expect(pipe(&ends) == 0)  // not close-on-exec: it would leak without the spawn's close action
        defer { close(ends[0]); close(ends[1]) }
        let log = directory.file("log")
        let child = ChildProcess(arguments: ["ls", "/proc/self/fd"], environment: ["PATH": "/usr/bin:/bin"],
                                 workingDirectory: directory.url, logFile: log)
        #expect(try await child.run() == 0)
        // ls itself holds 3: the directory it is listing.
        #expect(try String(contentsOf: log, encoding: .utf8).split(separator: "\n") == ["0", "1", "2", "3"])
    }
}
