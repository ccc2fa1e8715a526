import Testing
@testable import AviaryVision
