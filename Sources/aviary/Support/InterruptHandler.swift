import AviaryCore
import Dispatch
import Foundation
import Synchronization

/// Makes Ctrl-C and `kill` (SIGINT, SIGTERM) end a pipeline run cleanly: the steps' process groups are
/// killed with it (they do not get the terminal's signal themselves), and the run stays `running` for
/// `aviary pipeline resume`. Exits 130 (SIGINT) or 143 (SIGTERM), as a shell reports it.
enum InterruptHandler {
    /// Kept for the life of the process: a signal source must stay referenced to keep firing.
    private static let sources = Mutex<[any DispatchSourceSignal]>([])

    static func install() {
        sources.withLock { sources in
            guard sources.isEmpty else { return }
            for signalNumber in [SIGINT, SIGTERM] {
                signal(signalNumber, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
                source.setEventHandler {
                    let killed = RunningCommands.killAll()
                    FileHandle.standardError.write(Data("interrupted; stopped \(killed) running step(s); `aviary pipeline resume` continues the run\n".utf8))
                    exit(128 + signalNumber)
                }
                source.resume()
                sources.append(source)
            }
        }
    }
}
