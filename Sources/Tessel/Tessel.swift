// Tessel: NKI tile kernels, runnable, testable and explorable on any machine.
//
// This umbrella module re-exports the public modules so that `import Tessel` is all a user needs.

@_exported import TesselHost
@_exported import TesselIR
@_exported import TesselInterpreter
@_exported import TesselLang
@_exported import TesselMachine
@_exported import TesselNumerics
@_exported import TesselPython
@_exported import TesselTiming
