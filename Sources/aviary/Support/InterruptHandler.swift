import AviaryCore
import AviarySpawn
import Dispatch
import Foundation
import Synchronization

/// Makes Ctrl-C and `kill` (SIGINT, SIGTERM) end a command that runs children cleanly (a pipeline's
/// steps, a workflow's command tasks, event rules): their process groups are killed with it (they do
/// not get the terminal's signal themselves), and a pipeline run or workflow execution stays `running`
/// for its `resume`. Exits 130 (SIGINT) or 143 (SIGTERM), as a shell reports it.
enum InterruptHandler {
    /// Kept for the life of the process: a signal source must stay referenced to keep firing.
    private static let sources = Mutex<[any DispatchSourceSignal]>([])

    /// `what` names the children in the message; `hint` says how to continue, if there is a way.
    static func install(stopping what: String = "step(s)", hint: String? = "`aviary pipeline resume` continues the run") {
        sources.withLock { sources in
            guard sources.isEmpty else { return }
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler {
                    let killed = RunningCommands.killAll()
                    FileHandle.standardError.write(Data("interrupted; stopped \(killed) running \(what)\(hint.map { "; \($0)" } ?? "")\n".utf8))
                    exit(128 + signalNumber)
                }
                source.resume()
                sources.append(source)
            }
        }
    }
}
