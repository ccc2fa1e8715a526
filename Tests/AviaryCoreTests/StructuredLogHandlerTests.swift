@testable import AviaryCore
import Foundation
import Logging
import Synchronization
import Testing

@Suite struct StructuredLogHandlerTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    @Test func writesLogfmtWithQuotingOnlyWhereNeeded() {
        let lines = Lines()
        var logger = Logger(label: "aviary.test") { StructuredLogHandler(label: $0, level: .info, format: .text, write: lines.append) }
        logger[metadataKey: "run"] = "r1"
        logger.debug("hidden")
        logger.info("stored blob", metadata: ["path": "my photo.jpg", "size": "12"])
        #expect(lines.all.count == 1)
        let line = lines.all[0]
        #expect(line.hasPrefix("time="))
        #expect(line.hasSuffix(#"level=info label=aviary.test msg="stored blob" path="my photo.jpg" run=r1 size=12"#))
    }

    @Test func writesOneJSONObjectPerLine() throws {
        let lines = Lines()
        let logger = Logger(label: "aviary.test") { StructuredLogHandler(label: $0, level: .trace, format: .json, write: lines.append) }
        logger.warning("disk \"full\"", metadata: ["free": "0"])
        let object = try JSONSerialization.jsonObject(with: Data(lines.all[0].utf8)) as? [String: String]
        #expect(object?["msg"] == "disk \"full\"")
        #expect(object?["level"] == "warning")
        #expect(object?["free"] == "0")
    }
}
