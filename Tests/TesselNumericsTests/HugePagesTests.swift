import Foundation
import Testing

@testable import TesselNumerics

/// Large fresh buffers are advised for transparent huge pages; small ones are left alone.
@Suite("Huge pages")
struct HugePagesTests {
  /// The `VmFlags` of the mapping that holds `address`, from `/proc/self/smaps` (nil elsewhere).
  func mappingFlags(_ address: UnsafeRawPointer) -> [Substring]? {
    guard let smaps = try? String(contentsOfFile: "/proc/self/smaps", encoding: .utf8) else { return nil }
    let a = UInt(bitPattern: address)
    var inside = false
    for line in smaps.split(separator: "\n") {
      if let dash = line.firstIndex(of: "-"), let space = line.firstIndex(of: " "), dash < space,
        let lo = UInt(line[..<dash], radix: 16), let hi = UInt(line[line.index(after: dash)..<space], radix: 16)
      {
        inside = lo <= a && a < hi
      } else if inside && line.hasPrefix("VmFlags:") {
        return line.split(separator: " ").dropFirst().map { $0 }
      }
    }
    return nil
  }

  @Test("a buffer of 4 MiB and more is aligned to a huge page, usable, and advised where Linux has huge pages")
  func largeBuffers() {
    let count = HugePages.threshold / 4 + 12345
    let p = HugePages.allocate(Float.self, capacity: count)
    defer { p.deallocate() }
    #expect(Int(bitPattern: p) % (2 << 20) == 0)
    for i in stride(from: 0, to: count, by: 1000) { p[i] = Float(i) }
    p[count - 1] = 7
    #expect(p[count - 1] == 7 && p[1000] == 1000)
    #if os(Linux)
    if FileManager.default.fileExists(atPath: "/sys/kernel/mm/transparent_hugepage/enabled"),
      let flags = mappingFlags(p)
    {
      #expect(flags.contains("hg"), "VmFlags: \(flags)")
    }
    #endif
  }

  @Test("small buffers are plain allocations; advice below the threshold does nothing")
  func smallBuffers() {
    let p = HugePages.allocate(Float.self, capacity: 100)
    defer { p.deallocate() }
    for i in 0..<100 { p[i] = Float(i) }
    #expect(p[99] == 99)
    HugePages.advise(nil, byteCount: 1 << 30)
    #if os(Linux)
    // A fresh mapping of 8 MiB, advised for its first 4 MiB minus a page: left alone.
    let size = 8 << 20
    guard let m = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), m != MAP_FAILED else {
      Issue.record("mmap failed")
      return
    }
    defer { munmap(m, size) }
    HugePages.advise(m, byteCount: HugePages.threshold - 4096)
    if let flags = mappingFlags(m) { #expect(!flags.contains("hg"), "VmFlags: \(flags)") }
    #endif
  }
}
