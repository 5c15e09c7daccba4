import CLibFuzzer

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// SwiftPM names this file's code the executable's `main`, so libFuzzer's own `main` is not
// linked; hand the command line to libFuzzer's driver instead.
var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
let status = withUnsafeMutablePointer(to: &argc) { pc in
  withUnsafeMutablePointer(to: &argv) { pv in
    LLVMFuzzerRunDriver(pc, pv, fuzzTestOneInput)
  }
}
exit(status)
