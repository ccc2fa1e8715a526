/// A Swift type whose values a `HostArray` stores byte for byte (little-endian, as every supported
/// host is). `Bool` is handled separately because not every byte is a valid `Bool`.
public protocol HostScalar: Sendable, Equatable {
    static var elementType: ElementType { get }
}

extension Float: HostScalar { public static var elementType: ElementType { .float32 } }
extension Double: HostScalar { public static var elementType: ElementType { .float64 } }
extension Int8: HostScalar { public static var elementType: ElementType { .int8 } }
extension Int16: HostScalar { public static var elementType: ElementType { .int16 } }
extension Int32: HostScalar { public static var elementType: ElementType { .int32 } }
extension Int64: HostScalar { public static var elementType: ElementType { .int64 } }
extension UInt8: HostScalar { public static var elementType: ElementType { .uint8 } }
extension UInt16: HostScalar { public static var elementType: ElementType { .uint16 } }
extension UInt32: HostScalar { public static var elementType: ElementType { .uint32 } }
extension UInt64: HostScalar { public static var elementType: ElementType { .uint64 } }
extension Bool: HostScalar { public static var elementType: ElementType { .bool } }
