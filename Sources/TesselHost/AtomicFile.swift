#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why ``writeAtomically(_:to:)`` failed: the system call that failed, on which path, and errno.
public struct AtomicWriteError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The file that was to be written.
  public var path: String
  /// The step that failed: `"create temporary file"`, `"write"`, `"fsync"`, `"rename"`, ...
  public var operation: String
  /// The `errno` value.
  public var code: Int32

  public var description: String {
    "\(path): cannot write: \(operation) failed: \(systemErrorMessage(code))"
  }
}

/// The system's message for an `errno` value.
func systemErrorMessage(_ code: Int32) -> String {
  guard let message = strerror(code) else { return "error \(code)" }
  return String(cString: message)
}

/// Writes `bytes` to `path` atomically and durably: readers see either the old file or the
/// complete new one, and the new one survives a crash once this returns.
///
/// See ``writeAtomically(_:to:durable:)``.
///
/// - Throws: ``AtomicWriteError`` naming the step that failed.
public func writeAtomically(_ bytes: [UInt8], to path: String) throws(AtomicWriteError) {
  try writeAtomically([bytes], to: path, durable: true)
}

/// Writes the concatenation of `parts` to `path` atomically: readers see either the old file or
/// the complete new one.
///
/// The bytes go to a new temporary file in the same directory (`.NAME.tmp-PID-RANDOM`), which is
/// then renamed over `path`. With `durable`, the file is fsynced before the rename and the
/// directory after it (best effort), so that the new file survives a crash; without it, the file
/// is as safe as any other write (`np.save` does not sync either), and several milliseconds
/// faster for a large file. An existing file's permission bits are kept; a new file gets 0666
/// less the umask. If `path` is a symlink, the symlink itself is replaced by a regular file.
///
/// On failure the existing file at `path` is untouched and the temporary file is removed.
///
/// - Throws: ``AtomicWriteError`` naming the step that failed.
public func writeAtomically(_ parts: [[UInt8]], to path: String, durable: Bool) throws(AtomicWriteError) {
  let (directory, name) = splitPath(path)
  let tempPath = directory + "/." + name + ".tmp-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"

  var mode: mode_t = 0o666
  var existing = stat()
  let targetExists = stat(path, &existing) == 0
  if targetExists { mode = existing.st_mode & 0o7777 }

  let fd = open(tempPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
  guard fd >= 0 else {
    throw AtomicWriteError(path: path, operation: "create temporary file \(tempPath)", code: errno)
  }
  func fail(_ operation: String, _ code: Int32) -> AtomicWriteError {
    close(fd)
    unlink(tempPath)
    return AtomicWriteError(path: path, operation: operation, code: code)
  }
  // open() applies the umask; match an existing file's mode exactly.
  if targetExists, fchmod(fd, mode) != 0 { throw fail("fchmod", errno) }

  for bytes in parts {
    var written = 0
    while written < bytes.count {
      let n = bytes.withUnsafeBytes { buffer -> Int in
        guard let base = buffer.baseAddress else { return 0 }
        return write(fd, base + written, min(bytes.count - written, 1 << 30))
      }
      if n < 0 {
        let code = errno
        if code == EINTR { continue }
        throw fail("write", code)
      }
      if n == 0 { throw fail("write", EIO) }
      written += n
    }
  }
  if durable && fsync(fd) != 0 { throw fail("fsync", errno) }
  if close(fd) != 0 {
    let code = errno
    unlink(tempPath)
    throw AtomicWriteError(path: path, operation: "close", code: code)
  }
  if rename(tempPath, path) != 0 {
    let code = errno
    unlink(tempPath)
    throw AtomicWriteError(path: path, operation: "rename", code: code)
  }
  // Make the rename itself durable; failure here does not undo a completed write.
  let dirFD = durable ? open(directory, O_RDONLY | O_CLOEXEC) : -1
  if dirFD >= 0 {
    _ = fsync(dirFD)
    close(dirFD)
  }
}

/// Splits a path into its directory (`"."` when there is none) and last component.
func splitPath(_ path: String) -> (directory: String, name: String) {
  guard let slash = path.lastIndex(of: "/") else { return (".", path) }
  let directory = String(path[..<slash])
  let name = String(path[path.index(after: slash)...])
  return (directory.isEmpty ? "/" : directory, name)
}
