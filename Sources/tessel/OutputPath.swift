import Foundation

/// Checks, before a run, that the files it will write can be written.
enum OutputPath {
  /// Why `path` cannot be written (its directory is missing, not a directory or not writable, or
  /// it is itself a directory), or nil when it can.
  static func problem(file path: String) -> String? {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
      return "it is a directory"
    }
    let parent = (path as NSString).deletingLastPathComponent
    return problem(directory: parent.isEmpty ? "." : parent)
  }

  /// Why files cannot be created in `directory`, or nil when they can.
  static func problem(directory: String) -> String? {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
      return "directory '\(directory)' does not exist"
    }
    guard isDirectory.boolValue else { return "'\(directory)' is not a directory" }
    guard FileManager.default.isWritableFile(atPath: directory) else {
      return "directory '\(directory)' is not writable"
    }
    return nil
  }
}
