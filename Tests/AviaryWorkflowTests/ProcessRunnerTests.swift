import AviaryJSON
import AviaryTestSupport
import Foundation
import Testing
@testable import AviaryWorkflow
#if canImport(Glibc)
import Glibc
#endif

/// The child processes behind command tasks: bytes in and out, exit status, and cancellation that
/// leaves nothing running.
@Suite struct ProcessRunnerTests {
    @Test func stdinLargerThanAPipeBufferComesBackFromCatUnchanged() async throws {
        let input = Data((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) })
        let output = try await ProcessRunner.run(executable: "/bin/cat", arguments: [], environment: nil, stdin: input)
        #expect(output.status == 0)
        #expect(output.stdout == input)
        #expect(output.stderr.isEmpty)
    }

    @Test func twentyFourConcurrentRunsEachGetTheirOwnStatusAndOutput() async throws {
        let results = try await withThrowingTaskGroup(of: (Int, ProcessRunner.Output).self) { group in
            for index in 0..<24 {
                group.addTask {
                    // 100 KB each way: more than a pipe holds, so every run needs its reader and writer threads.
                    let input = Data(repeating: UInt8(65 + index), count: 100_000)
                    let output = try await ProcessRunner.run(executable: "/bin/sh", arguments: ["-c", #"cat; echo "$0" >&2; exit $(($0 % 5))"#, "\(index)"],
                                                             environment: ["RUN": "\(index)"], stdin: input)
                    return (index, output)
                }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(results.count == 24)
        for (index, output) in results {
            #expect(output.status == Int32(index % 5))
            #expect(output.stdout == Data(repeating: UInt8(65 + index), count: 100_000))
            #expect(String(decoding: output.stderr, as: UTF8.self) == "\(index)\n")
        }
    }

    @Test func theEnvironmentIsAddedToOurs() async throws {
        let output = try await ProcessRunner.run(executable: "/bin/sh", arguments: ["-c", #"printf '%s %s' "$AVIARY_TEST_VALUE" "${PATH:+path}""#],
                                                 environment: ["AVIARY_TEST_VALUE": "x y"], stdin: Data())
        #expect(String(decoding: output.stdout, as: UTF8.self) == "x y path")
    }

    /// `.ownThread`: the 2 s are for the kill, not for a turn on a cooperative pool that a parallel
    /// engine test keeps busy (4 s in a full run on two cores).
    @Test(.ownThread) func cancellationKillsTheWholeGroupAndReturnsAtOnce() async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("runner-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: pidFile) }
        let run = try await ProcessGroupProbe.cancelOnceStarted(writing: pidFile) {
            try await ProcessRunner.run(executable: "/bin/sh", arguments: ["-c", #"echo $$ > "$0"; sleep 30 & sleep 30"#, pidFile.path],
                                        environment: nil, stdin: Data())
        }
        #expect(run.returnedAfter < .seconds(2))
        #expect(throws: CancellationError.self) { try run.result.get() }
        #expect(try await ProcessGroupProbe.noneAlive(in: run.pid))
        #expect(try await ProcessGroupProbe.isGone(run.pid))
    }

    @Test(.ownThread) func cancellationReturnsEvenWhileAGrandchildOutsideTheGroupHoldsThePipes() async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("runner-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: pidFile) }
        // setsid puts the grandchild in a session (and group) of its own, out of reach of the group kill,
        // with the task's stdout and stderr still open.
        let run = try await ProcessGroupProbe.cancelOnceStarted(writing: pidFile) {
            try await ProcessRunner.run(executable: "/bin/sh", arguments: ["-c", #"setsid sh -c 'echo $$ > "$0"; exec sleep 30' "$0" & sleep 30"#, pidFile.path],
                                        environment: nil, stdin: Data())
        }
        kill(run.pid, SIGKILL)
        #expect(run.returnedAfter < .seconds(2))
        #expect(throws: CancellationError.self) { try run.result.get() }
    }

    @Test func aMissingExecutableIsATaskFailureThatNamesIt() async throws {
        let error = await #expect(throws: ASLError.self) {
            try await CommandFunction(executable: "/no/such/tool", arguments: ["x"]).call(event: .null)
        }
        #expect(error?.name == "States.TaskFailed")
        #expect(error?.cause == "Cannot start '/no/such/tool': No such file or directory")
    }
}
