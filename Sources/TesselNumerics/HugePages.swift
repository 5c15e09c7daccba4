#if canImport(Glibc)
import Glibc
#endif

/// Large fresh buffers backed by 2 MiB pages, so that their first touch costs a few page faults
/// instead of one per 4 KiB.
///
/// A page fault on fresh memory costs microseconds, in a virtual machine several: touching 8 MiB
/// of fresh 4 KiB pages takes about as long as a tutorial kernel's whole run. Linux backs memory
/// marked `MADV_HUGEPAGE` with transparent huge pages when the system allows it (its
/// `transparent_hugepage` setting is `madvise` or `always`), which cuts the faults by 512. Arenas,
/// `.npy` data and host result arrays are advised this way (numpy does the same for its arrays
/// of 4 MiB and more). Elsewhere, and where the kernel refuses, the advice does nothing.
public enum HugePages {
  /// The size from which a buffer is advised.
  public static let threshold = 4 << 20
  /// The huge page size on x86-64 and most arm64 kernels.
  static let pageSize = 2 << 20

  /// Advises the kernel to back the whole 2 MiB pages inside a buffer that nothing has touched
  /// yet with huge pages (nothing below ``threshold``).
  public static func advise(_ base: UnsafeMutableRawPointer?, byteCount: Int) {
    #if os(Linux)
    guard let base, byteCount >= threshold else { return }
    let mask = UInt(pageSize - 1)
    let start = (UInt(bitPattern: base) + mask) & ~mask
    let end = (UInt(bitPattern: base) + UInt(byteCount)) & ~mask
    guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return }
    _ = madvise(aligned, Int(end - start), MADV_HUGEPAGE)
    #endif
  }

  /// Allocates `count` uninitialized elements, aligned to a huge page and advised when the buffer
  /// reaches ``threshold`` (free with `deallocate()`).
  public static func allocate<Element>(_: Element.Type, capacity count: Int) -> UnsafeMutablePointer<Element> {
    let bytes = count * MemoryLayout<Element>.stride
    guard bytes >= threshold else { return .allocate(capacity: count) }
    let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: pageSize)
    advise(raw, byteCount: bytes)
    return raw.bindMemory(to: Element.self, capacity: count)
  }
}
