// libFuzzer entry for the .pth and .npy readers: every input must give a value or a typed error,
// never a crash or a memory error (AddressSanitizer). Built and run by scripts/fuzz-onnx-readers.sh.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let checkpoint = try? TorchCheckpoint.decode(bytes) { _ = checkpoint.entries.count }
    _ = try? NumPyFile.decode(bytes)
    return 0
}
