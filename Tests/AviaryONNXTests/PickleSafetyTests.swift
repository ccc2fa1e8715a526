@testable import AviaryONNX
import Foundation
import Testing

/// Pickles that would run `touch /tmp/aviary-onnx-tests-evil-pickle-ran` under Python's unpickler
/// (made by make_fixtures.py) are refused by name, and nothing runs.
@Suite(.serialized) struct PickleSafetyTests {
    static let marker = "/tmp/aviary-onnx-tests-evil-pickle-ran"

    @Test(arguments: [("evil.pkl", "posix.system"), ("evil_legacy.pth", "posix.system"), ("evil_zip.pth", "posix.system"),
                      ("evil_eval.pkl", "builtins.eval")])
    func refusesForeignGlobals(_ file: String, _ global: String) throws {
        try? FileManager.default.removeItem(atPath: Self.marker)
        let url = Fixture.url("pth/\(file)")
        #expect(throws: TorchCheckpointError.forbiddenGlobal(path: url.path, name: global)) { try TorchCheckpoint.load(url) }
        #expect(!FileManager.default.fileExists(atPath: Self.marker))
    }

    @Test func refusesOpcodesStateDictsNeverUse() throws {
        try? FileManager.default.removeItem(atPath: Self.marker)
        let url = Fixture.url("pth/evil_inst.pkl")
        #expect(throws: TorchCheckpointError.unsupported(path: url.path, offset: 52, what: "pickle opcode INST (0x69)")) {
            try TorchCheckpoint.load(url)
        }
        #expect(!FileManager.default.fileExists(atPath: Self.marker))
    }

    @Test func theMessageNamesTheGlobalAndTheFix() {
        #expect("\(TorchCheckpointError.forbiddenGlobal(path: "m.pth", name: "posix.system"))"
            == "m.pth: refused: the pickle asks for the Python global 'posix.system', which a state dict never needs "
            + "(allowed: collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_tensor, "
            + "torch._utils._rebuild_parameter, torch.<Type>Storage); nothing was run. Save only the weights: torch.save(model.state_dict(), path)")
    }
}

/// Hostile structure rather than hostile code: recursion and depth that could exhaust the stack.
@Suite struct PickleStructureTests {
    /// A legacy-format file around `main`: magic number, protocol 1001, system info, then `main`
    /// and an empty storage key list.
    static func legacy(_ main: [UInt8]) -> [UInt8] {
        let magic: [UInt8] = [0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19, 0x2E]
        let version: [UInt8] = [0x80, 0x02, 0x4D, 0xE9, 0x03, 0x2E]
        let info: [UInt8] = [0x80, 0x02, 0x7D, 0x2E]
        let keys: [UInt8] = [0x80, 0x02, 0x5D, 0x2E]
        return magic + version + info + [0x80, 0x02] + main + [0x2E] + keys
    }

    @Test func aDictThatContainsItselfIsRefused() {
        // {} memo[0]; MARK 'a' memo.get(0) SETITEMS → d['a'] = d
        let cyclic: [UInt8] = [0x7D, 0x71, 0x00, 0x28, 0x8C, 0x01, 0x61, 0x68, 0x00, 0x75]
        #expect(throws: TorchCheckpointError.malformed(path: "(memory)",
                                                     reason: "pickle byte 36: a dict is changed after being placed in another (a recursive structure)")) {
            try TorchCheckpoint.decode(Self.legacy(cyclic))
        }
    }

    @Test func deepNestingIsRefusedNotOverflowed() {
        // 100,000 empty lists, each appended into the one below it.
        let count = 100_000
        let deep = [0x7D, 0x8C, 0x01, 0x61] + [UInt8](repeating: 0x5D, count: count) + [UInt8](repeating: 0x61, count: count - 1) + [0x73]
        #expect(throws: TorchCheckpointError.self) { try TorchCheckpoint.decode(Self.legacy(deep)) }
        // 100,000 nested one-tuples.
        let tuples = [0x7D, 0x8C, 0x01, 0x61, 0x29] + [UInt8](repeating: 0x85, count: count) + [0x73]
        #expect(throws: TorchCheckpointError.malformed(path: "(memory)", reason: "pickle byte 131: values nest more than 100 levels deep")) {
            try TorchCheckpoint.decode(Self.legacy(tuples))
        }
    }

    @Test func sharedStructureIsVisitedOnce() throws {
        // t = (); then 60 levels of (t, t) — 2^60 paths if walked naively — stored under 'a'.
        var body: [UInt8] = [0x7D, 0x8C, 0x01, 0x61, 0x29]
        for _ in 0..<60 { body += [0x71, 0x00, 0x68, 0x00, 0x86] }  // memo[0] = top; push it again; TUPLE2
        body += [0x73]
        let checkpoint = try TorchCheckpoint.decode(Self.legacy(body))
        #expect(checkpoint.entries.isEmpty)
        #expect(checkpoint.skipped == ["a"])
    }
}
