@testable import AviaryCore
import AviarySpawn
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

/// The handle a started command gives back: its pid, signals, and how it ended.
@Suite struct RunningChildTests {
    @Test func aSignalledChildReportsTheSignalAndNoLongerRuns() async throws {
        let directory = TemporaryDirectory("child")
        let child = try ChildProcess(arguments: ["sleep", "30"], environment: ["PATH": "/usr/bin:/bin"],
                                     workingDirectory: directory.url, logFile: directory.file("log")).start()
        #expect(child.isRunning)
        #expect(child.termination == nil)
        child.signal(SIGTERM)
        #expect(try await child.waitForTermination() == .uncaughtSignal(SIGTERM))
        #expect(!child.isRunning)
        #expect(try await child.wait() == 128 + SIGTERM)
    }

    @Test func theCommandRunsInTheFolderGivenWithItsOwnProcessGroup() async throws {
        let directory = TemporaryDirectory("child")
        let child = try ChildProcess.start(arguments: ["sh", "-c", "pwd; ps -o pgid= -p $$"], environment: ["PATH": "/usr/bin:/bin"],
                                           workingDirectory: directory.url, standardOutput: .pipe, standardError: .standardOutput)
        let output = try await child.communicate()
        let lines = String(decoding: output.standardOutput, as: UTF8.self).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(output.status == 0)
        #expect(lines == [directory.url.resolvingSymlinksInPath().path, "\(child.pid)"])
    }

    @Test(.ownThread) func cancellingTheRunKillsTheCommandAndWhatItStarted() async throws {
        let directory = TemporaryDirectory("child")
        let child = ChildProcess(arguments: ["sh", "-c", "echo $$ > pid; sleep 30 & sleep 30"], environment: ["PATH": "/usr/bin:/bin"],
                                 workingDirectory: directory.url, logFile: directory.file("log"))
        let run = try await ProcessGroupProbe.cancelOnceStarted(writing: directory.file("pid")) { try await child.run() }
        #expect(run.returnedAfter < .seconds(2))
        #expect(throws: CancellationError.self) { try run.result.get() }
        #expect(try await ProcessGroupProbe.noneAlive(in: run.pid))
        #expect(try await ProcessGroupProbe.isGone(run.pid))
    }

    @Test func aSynchronousWaitGetsTheStatusAndLeavesTheChildReaped() async throws {
        let child = try Spawner.spawn(executable: "/bin/sh", arguments: ["-c", "read line; echo \"got $line\"; exit 4"], environment: [:],
                                      standardInput: .pipe, standardOutput: .pipe)
        let input = try #require(child.standardInput), output = try #require(child.standardOutput)
        let (termination, printed) = try await AviaryProcess.offThePool { () -> (ChildTermination, Data) in
            input.write(Data("ping\n".utf8))
            input.close()
            let printed = output.readToEnd()
            return (child.waitBlocking(), printed)
        }
        #expect(termination == .exit(4))
        #expect(String(decoding: printed, as: UTF8.self) == "got ping\n")
        #expect(child.termination == .exit(4))
        #expect(!child.isRunning)
    }

    @Test func aMissingProgramExitsWith127AsInAShell() async throws {
        let directory = TemporaryDirectory("child")
        // The shell that changes folder starts; the program it execs is missing: it exits 127.
        let child = ChildProcess(arguments: ["/no/such/tool"], environment: ["PATH": "/usr/bin:/bin"],
                                 workingDirectory: directory.url, logFile: directory.file("log"))
        #expect(try await child.run() == 127)
    }
}
