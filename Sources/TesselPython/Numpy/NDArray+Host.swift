/// Host arrays at an interactive prompt: a numpy array passed to a kernel is updated in place
/// when the kernel writes into it, as numpy arrays passed to AWS's simulator are.
extension NDArray {
  /// Replaces the elements (row-major, the same count), converted to the array's dtype.
  package func overwrite(with newValues: [Double]) {
    guard newValues.count == values.count else { return }
    values = newValues.map { dtype.convert($0) ?? .nan }
  }
}
