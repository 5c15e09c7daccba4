import Testing
@testable import TesselTiming
