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
