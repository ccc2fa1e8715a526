/// How `resized` computes each output pixel. Conventions follow the libraries datasets are
/// usually prepared with, so that a model trained here sees what it would see there:
/// - `bilinear`: PyTorch `F.interpolate(mode: "bilinear", align_corners: false, antialias: false)`.
///   Pixel centres at +0.5, two taps per axis, edges clamped. Aliases badly when shrinking by more than 2×.
/// - `antialiased`: Pillow's `Image.resize(BILINEAR)` (the same as torchvision's default
///   `antialias=True`): a triangle filter whose support widens with the shrink factor, so every
///   source pixel contributes. Equals `bilinear` when enlarging.
/// - `area`: PyTorch `adaptive_avg_pool2d` / `mode="area"`: each output is the plain mean of the
///   source rectangle `[floor(i·in/out), ceil((i+1)·in/out))` on each axis.
/// Results round to the nearest 8-bit value, ties to even.
public enum ResizeFilter: Sendable, Hashable, CaseIterable {
    case bilinear
    case antialiased
    case area
}
