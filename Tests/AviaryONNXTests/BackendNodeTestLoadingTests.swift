@testable import AviaryONNX
import Foundation
import Testing

/// Every ONNX backend node test shipped in the onnx==1.22.0 wheel (in the private .venv) parses:
/// its model and each tensor of test_data_set_0. Running them waits for the engine; this guards
/// the protobuf layer and the TensorProto conversion against every file ONNX itself uses.
@Suite struct BackendNodeTestLoadingTests {
    static let folder = Fixture.sitePackages("onnx/backend/test/data/node")

    @Test(.enabled(if: folder != nil, "onnx==1.22.0 is not installed in .venv (python3 -m venv .venv && .venv/bin/pip install onnx==1.22.0)"))
    func everyModelAndTensorLoads() throws {
        let root = try #require(Self.folder)
        let cases = try FileManager.default.contentsOfDirectory(atPath: root.path).sorted()
        var models = 0, tensors = 0, nonTensors = 0
        var refusedTypes: [String: Int] = [:]
        var failures: [String] = []
        var selected: [String: Int] = [:]
        var selectedCount = 0
        for name in cases {
            do {
                let testCase = try BackendNodeTestCase(folder: root.appendingPathComponent(name))
                models += 1
                if testCase.operators.isSubset(of: BackendNodeTestCase.issueOperators) {
                    selectedCount += 1
                    for op in testCase.operators { selected[op, default: 0] += 1 }
                }
                for (_, value) in testCase.inputs + testCase.outputs {
                    switch value {
                    case .tensor: tensors += 1
                    case .refusedType(let type): refusedTypes[type, default: 0] += 1
                    case .notATensor: nonTensors += 1
                    }
                }
            } catch {
                failures.append("\(name): \(error)")
            }
        }
        let refused = refusedTypes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("ONNX backend node tests: \(models) of \(cases.count) models loaded; \(tensors) tensors loaded, "
              + "\(refusedTypes.values.reduce(0, +)) refused by element type (\(refused)), \(nonTensors) sequences/optionals skipped; "
              + "\(failures.count) failed")
        print("Node tests using only issue 4's operators: \(selectedCount); per operator: "
              + selected.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        #expect(failures == [])
        #expect(models == cases.count)
        // onnx 1.22.0 ships 1765 node tests, 252 of them for the operators the importer must run.
        #expect(cases.count == 1765)
        #expect(selectedCount == 252)
        #expect(Set(selected.keys) == BackendNodeTestCase.issueOperators)
    }
}

extension BackendNodeTestLoadingTests {
    /// The comparison the conformance run will use, checked on real expected outputs: each output
    /// is close to itself, and a nudge past rtol 1e-3 is caught.
    @Test(.enabled(if: folder != nil, "onnx==1.22.0 is not installed in .venv"))
    func expectedOutputsCompareAsTheONNXRunnerDoes() throws {
        let testCase = try BackendNodeTestCase(folder: try #require(Self.folder).appendingPathComponent("test_sigmoid"))
        guard case .tensor(let expected) = try #require(testCase.outputs.first).value else { Issue.record("not a tensor"); return }
        #expect(expected.shape == [3, 4, 5])
        #expect(ArrayComparison(actual: expected, expected: expected).isClose)
        var values = try expected.values(as: Float.self)
        values[7] *= 1.0011
        let nudged = try HostArray(shape: expected.shape, values: values)
        let comparison = ArrayComparison(actual: nudged, expected: expected)
        guard case .valuesDiffer(let mismatches, let index, _, _) = comparison.verdict else { Issue.record("\(comparison)"); return }
        #expect(mismatches == 1)
        #expect(index == 7)
    }
}
