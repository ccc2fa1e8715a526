import Foundation

/// A zip archive with its members stored uncompressed: small wheels for tests of what reads them.
public enum StoredZip {
    public static func make(_ members: [(name: String, data: Data)]) -> Data {
        var out = Data(), directory = Data()
        func u16(_ value: Int) -> Data { withUnsafeBytes(of: UInt16(value).littleEndian) { Data($0) } }
        func u32(_ value: UInt32) -> Data { withUnsafeBytes(of: value.littleEndian) { Data($0) } }
        for (name, data) in members {
            let crc = crc32(data), size = u32(UInt32(data.count)), offset = out.count
            let common = u16(20) + u16(0) + u16(0) + u16(0) + u16(0) + u32(crc) + size + size + u16(name.utf8.count) + u16(0)
            out += u32(0x0403_4B50) + common + Data(name.utf8) + data
            directory += u32(0x0201_4B50) + u16(20) + common + u16(0) + u16(0) + u16(0) + u32(0) + u32(UInt32(offset)) + Data(name.utf8)
        }
        let start = out.count
        out += directory
        return out + u32(0x0605_4B50) + u16(0) + u16(0) + u16(members.count) + u16(members.count)
            + u32(UInt32(directory.count)) + u32(UInt32(start)) + u16(0)
    }

    /// The zip format's CRC-32 (polynomial 0xEDB88320), bit by bit: test data is small.
    public static func crc32(_ data: Data) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
