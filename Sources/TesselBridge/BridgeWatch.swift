import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A file's state as `stat` reports it: modification time (ns) and size.
struct FileState: Codable, Equatable, Sendable {
  var path: String
  var mtimeNs: Int64
  var size: Int64

  /// The file's current state, or nil when it cannot be read.
  static func current(_ path: String) -> FileState? {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    #if canImport(Darwin)
    let time = st.st_mtimespec
    #else
    let time = st.st_mtim
    #endif
    return FileState(
      path: path, mtimeNs: Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec), size: Int64(st.st_size))
  }
}

/// What a prepared kernel depends on besides its request: the source files its trace read and
/// the environment variables its request was worked out from.
///
/// A run of a kernel whose dependencies changed is refused as stale (the caller traces again).
/// Checking costs no file-system call per run where the system can notify changes (Linux), and
/// one `stat` per file elsewhere.
struct BridgeWatch: Sendable {
  /// The files and their states when the kernel was traced.
  var files: [FileState]
  /// Environment variables and the values (nil: unset) the request was made with.
  var environment: [(name: String, value: String?)]
  /// The notifier's versions of the files' paths when they were watched; nil to poll the states.
  private var versions: [(key: String, version: Int)]?
  /// The notifier's epoch when the files were watched (a lost event makes every watch stale).
  private var epoch = 0
  /// The notifier's count of all changes when the files were watched.
  private var total = 0

  /// Watches `files` (their states taken before the trace read them) and `environment`.
  init(files: [FileState], environment: [(name: String, value: String?)]) {
    self.files = files
    self.environment = environment
    if let (versions, epoch, total) = FileNotifier.shared.watch(files.map(\.path)) {
      self.versions = versions
      self.epoch = epoch
      self.total = total
      // A change between the trace's read and the watch: the states tell.
      if files.contains(where: { FileState.current($0.path) != $0 }) { self.epoch = -1 }
    }
  }

  /// The first dependency that changed since the kernel was traced, described for a message;
  /// nil when none did.
  func change() -> String? {
    for (name, value) in environment where !Self.variable(name, is: value) {
      return "the environment variable \(name) changed"
    }
    if let versions {
      if FileNotifier.shared.changed(versions, since: epoch, total: total) {
        return "a source file of the kernel changed"
      }
      return nil
    }
    for f in files where FileState.current(f.path) != f { return "\(f.path) changed" }
    return nil
  }

  /// Whether the environment variable `name` has `value` (nil: unset), compared in place.
  private static func variable(_ name: String, is value: String?) -> Bool {
    guard let raw = getenv(name) else { return value == nil }
    guard let value else { return false }
    return value.withCString { strcmp($0, raw) == 0 }
  }
}

/// Set in a child process after `fork` (its notifier instance is its parent's, whose events it
/// must not take): the child starts an instance of its own and takes every earlier watch as stale.
nonisolated(unsafe) private var forkedSinceNotifierStarted = false

/// The process's file-change notifier: an inotify instance watching the directories of the files
/// prepared kernels read, counting changes per path (Linux; nil elsewhere, and callers poll).
final class FileNotifier: @unchecked Sendable {
  static let shared = FileNotifier()

  private let lock = NSLock()
  private var fd: Int32
  /// The watched directories by watch descriptor.
  private var directories: [Int32: String] = [:]
  private var descriptors: [String: Int32] = [:]
  /// Changes seen per path (a file's own path and its resolved path).
  private var changes: [String: Int] = [:]
  /// The number of changes seen, of every path.
  private var total = 0
  /// Bumped when events may have been lost or a watched directory went away.
  private var epoch = 0
  /// Where events are read into.
  private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4096, alignment: 8)

  private init() {
    #if os(Linux)
    fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
    pthread_atfork(nil, nil) { forkedSinceNotifierStarted = true }
    #else
    fd = -1
    #endif
  }

  /// In a child process after `fork`: a new instance, no watches, and every earlier watch stale.
  private func restartAfterFork() {
    #if os(Linux)
    guard forkedSinceNotifierStarted else { return }
    forkedSinceNotifierStarted = false
    if fd >= 0 { close(fd) }
    fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
    directories = [:]
    descriptors = [:]
    epoch += 1
    #endif
  }

  /// Watches `paths`: the keys and change counts to compare later, the current epoch and the
  /// count of all changes; nil when the system cannot notify (the caller polls instead).
  func watch(_ paths: [String]) -> ([(key: String, version: Int)], Int, Int)? {
    #if os(Linux)
    lock.lock()
    defer { lock.unlock() }
    restartAfterFork()
    guard fd >= 0 else { return nil }
    drain()
    var versions: [(key: String, version: Int)] = []
    for path in paths {
      // The path as named, and the file it resolves to (an edit of a symlink's target).
      var keys = [path]
      if let resolved = realpath(path, nil) {
        let r = String(cString: resolved)
        free(resolved)
        if r != path { keys.append(r) }
      }
      for key in keys {
        let directory = (key as NSString).deletingLastPathComponent
        if descriptors[directory] == nil {
          let mask = UInt32(
            IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO
              | IN_DELETE_SELF | IN_MOVE_SELF)
          let wd = inotify_add_watch(fd, directory, mask)
          guard wd >= 0 else { return nil }  // out of watches, or no such directory: poll
          descriptors[directory] = wd
          directories[wd] = directory
        }
        versions.append((key, changes[key, default: 0]))
      }
    }
    return (versions, epoch, total)
    #else
    return nil
    #endif
  }

  /// Whether any of `versions` changed, or events were lost, since they were taken at `epoch`
  /// when the count of all changes was `total` (unchanged: no path needs looking up).
  func changed(_ versions: [(key: String, version: Int)], since epoch: Int, total: Int) -> Bool {
    lock.lock()
    defer { lock.unlock() }
    restartAfterFork()
    drain()
    if epoch != self.epoch { return true }
    return total != self.total && versions.contains { changes[$0.key, default: 0] != $0.version }
  }

  /// Reads the pending events (none: one `read` that returns at once).
  private func drain() {
    #if os(Linux)
    while true {
      let n = read(fd, buffer.baseAddress, buffer.count)
      guard n > 0 else { return }
      var offset = 0
      let header = MemoryLayout<inotify_event>.size
      while offset + header <= n {
        let event = buffer.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
        let nameBytes = buffer[(offset + header)..<min(n, offset + header + Int(event.len))]
        let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
        offset += header + Int(event.len)
        if event.mask & UInt32(IN_Q_OVERFLOW | IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED) != 0 {
          epoch += 1  // lost events, or a watched directory gone: every kernel is stale
          if let directory = directories.removeValue(forKey: event.wd) { descriptors[directory] = nil }
          continue
        }
        guard let directory = directories[event.wd], !name.isEmpty else { continue }
        changes[directory + "/" + name, default: 0] += 1
        total += 1
      }
    }
    #endif
  }
}
