import ArgumentParser

/// `tessel ir`: print a kernel's IR.
struct IR: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "ir", abstract: "Trace an NKI kernel and print its IR.")
  @OptionGroup var options: KernelOptions
  @Flag(help: "Show source locations.") var locations = false
  func run() {
    let prepared = options.prepare(requireData: false)
    print(prepared.traced.kernel.printed(locations: locations), terminator: "")
  }
}
