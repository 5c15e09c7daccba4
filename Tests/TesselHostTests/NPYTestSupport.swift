import Foundation
import TesselIR

@testable import TesselHost

/// Builds `.npy` fixture bytes by hand, from the format spec (numpy/lib/format.py): the magic
/// `\x93NUMPY`, the version bytes, the header length (little-endian UInt16 for 1.0, UInt32 for
/// 2.0/3.0), the header dict, then the data.
///
/// With `align` the header is padded with spaces and a
/// newline so the data starts at a multiple of 64, as numpy does; otherwise only a newline is
/// added. `headerLengthOverride` writes a different length field than the real one.
func npyFixture(
  major: UInt8 = 1, minor: UInt8 = 0, header: String, data: [UInt8] = [], align: Bool = true,
  headerLengthOverride: Int? = nil
) -> [UInt8] {
  npyFixture(
    major: major, minor: minor, headerBytes: Array(header.utf8), data: data, align: align,
    headerLengthOverride: headerLengthOverride)
}

/// Like ``npyFixture(major:minor:header:data:align:headerLengthOverride:)`` with raw header bytes.
func npyFixture(
  major: UInt8 = 1, minor: UInt8 = 0, headerBytes: [UInt8], data: [UInt8] = [], align: Bool = true,
  headerLengthOverride: Int? = nil
) -> [UInt8] {
  let lengthSize = major == 1 ? 2 : 4
  var header = headerBytes
  if align {
    let used = 8 + lengthSize + header.count + 1
    header += [UInt8](repeating: 0x20, count: (64 - used % 64) % 64)
  }
  header.append(0x0A)
  let length = headerLengthOverride ?? header.count
  var out: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, major, minor]
  for b in 0..<lengthSize { out.append(UInt8(truncatingIfNeeded: length >> (8 * b))) }
  return out + header + data
}

/// Little-endian bytes of `Float` values.
func leBytes(_ values: [Float]) -> [UInt8] {
  values.flatMap { v in (0..<4).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * $0)) } }
}

/// Little-endian bytes of `Double` values.
func leBytes(_ values: [Double]) -> [UInt8] {
  values.flatMap { v in (0..<8).map { UInt8(truncatingIfNeeded: v.bitPattern >> (8 * UInt64($0))) } }
}

/// Little-endian bytes of `Int64` values.
func leBytes(_ values: [Int64]) -> [UInt8] {
  values.flatMap { v in (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * Int64($0))) } }
}

/// The error `body` throws, if it throws one of type `E`.
func npyCaught<E: Error, T>(_ type: E.Type, _ body: () throws -> T) -> E? {
  do {
    _ = try body()
    return nil
  } catch let error as E {
    return error
  } catch {
    return nil
  }
}

/// A fresh empty directory under the system temporary directory.
func npyTemporaryDirectory() throws -> String {
  let url = FileManager.default.temporaryDirectory
    .appendingPathComponent("tessel-npy-tests-\(UUID().uuidString)", isDirectory: true)
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url.path
}
