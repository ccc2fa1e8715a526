import Foundation

extension Image {
    /// The plain definition of every `ResizeFilter`, one output pixel at a time in Double with no
    /// precomputed tables: the yardstick the separable fast path is tested against.
    public func resizedReference(to size: Size, filter: ResizeFilter) -> Image {
        var out = [UInt8](repeating: 0, count: size.width * size.height * channels)
        let scaleX = Double(width) / Double(size.width), scaleY = Double(height) / Double(size.height)
        for y in 0..<size.height {
            for x in 0..<size.width {
                for channel in 0..<channels {
                    let value: Double
                    switch filter {
                    case .bilinear: value = bilinearSample(x, y, channel, scaleX, scaleY)
                    case .antialiased: value = triangleSample(x, y, channel, scaleX, scaleY)
                    case .area: value = areaSample(x, y, channel, size)
                    }
                    out[(y * size.width + x) * channels + channel] = UInt8(max(0, min(255, value.rounded(.toNearestOrEven))))
                }
            }
        }
        return Image(width: size.width, height: size.height, format: format, pixels: out)
    }

    private func sample(_ x: Int, _ y: Int, _ channel: Int) -> Double {
        Double(pixels[(y * width + x) * channels + channel])
    }

    private func bilinearSample(_ x: Int, _ y: Int, _ channel: Int, _ scaleX: Double, _ scaleY: Double) -> Double {
        let sx = max((Double(x) + 0.5) * scaleX - 0.5, 0), sy = max((Double(y) + 0.5) * scaleY - 0.5, 0)
        let x0 = min(Int(sx), width - 1), y0 = min(Int(sy), height - 1)
        let x1 = min(x0 + 1, width - 1), y1 = min(y0 + 1, height - 1)
        let fx = sx - Double(x0), fy = sy - Double(y0)
        let top = sample(x0, y0, channel) * (1 - fx) + sample(x1, y0, channel) * fx
        let bottom = sample(x0, y1, channel) * (1 - fx) + sample(x1, y1, channel) * fx
        return top * (1 - fy) + bottom * fy
    }

    private func triangleSample(_ x: Int, _ y: Int, _ channel: Int, _ scaleX: Double, _ scaleY: Double) -> Double {
        let supportX = max(scaleX, 1), supportY = max(scaleY, 1)
        let centreX = (Double(x) + 0.5) * scaleX, centreY = (Double(y) + 0.5) * scaleY
        func weight(_ source: Int, _ centre: Double, _ support: Double) -> Double {
            max(0, 1 - abs((Double(source) + 0.5 - centre) / support))
        }
        let xs = max(0, Int(centreX - supportX + 0.5))..<min(width, Int(centreX + supportX + 0.5))
        let ys = max(0, Int(centreY - supportY + 0.5))..<min(height, Int(centreY + supportY + 0.5))
        var total = 0.0, weightSum = 0.0
        for sy in ys {
            for sx in xs {
                let w = weight(sx, centreX, supportX) * weight(sy, centreY, supportY)
                total += w * sample(sx, sy, channel)
                weightSum += w
            }
        }
        return total / weightSum
    }

    private func areaSample(_ x: Int, _ y: Int, _ channel: Int, _ size: Size) -> Double {
        let x0 = Int(floor(Double(x * width) / Double(size.width)))
        let x1 = Int(ceil(Double((x + 1) * width) / Double(size.width)))
        let y0 = Int(floor(Double(y * height) / Double(size.height)))
        let y1 = Int(ceil(Double((y + 1) * height) / Double(size.height)))
        var total = 0.0
        for sy in y0..<y1 { for sx in x0..<x1 { total += sample(sx, sy, channel) } }
        return total / Double((x1 - x0) * (y1 - y0))
    }
}
