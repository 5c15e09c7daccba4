import TesselIR
import TesselPython

extension CurrentISA {
  /// Checks `nc_matmul`'s Tensor-engine tiling (`tile_position=(row, col)`,
  /// `tile_size=(rows, cols)`): the matmul runs on a `rows × cols` tile of the 128 × 128 PE
  /// array, so small matmuls can run side by side.
  ///
  /// The placement changes where the hardware
  /// computes, not what: the result is the same product, written where `dst` says. The tile must
  /// lie inside the array, and the stationary operand must fit it (its partitions, the
  /// contraction, in `rows`; its free elements, the output partitions, in `cols`).
  ///
  /// `nc_matmul_mx` (`mx` true) tiles rows only: `tile_size` is `(128, 128)`, `(64, 128)` or
  /// `(32, 128)`, and its stationary is the `[K, M, 4]` view of `M` packed elements.
  static func checkPETile(_ a: CurrentArguments, stationary: View, mx: Bool = false) throws(TraceError) {
    let position = try a.ints("tile_position") ?? []
    let size = try a.ints("tile_size") ?? []
    if position.isEmpty && size.isEmpty { return }
    let op = mx ? "nc_matmul_mx" : "nc_matmul"
    guard position.count == 2, size.count == 2 else {
      throw TraceError.python(
        "ValueError",
        "\(op)() tile_position and tile_size are (row, column) pairs given together, got tile_position=\(position), tile_size=\(size)",
        at: a.location)
    }
    let pe = 128
    for axis in 0..<2 where size[axis] <= 0 || position[axis] < 0 || position[axis] + size[axis] > pe {
      throw TraceError.python(
        "ValueError",
        "\(op)() tile at tile_position=\(position) of tile_size=\(size) does not fit the \(pe)×\(pe) PE array",
        at: a.location)
    }
    if mx && (size[1] != pe || ![128, 64, 32].contains(size[0])) {
      throw TraceError.python(
        "ValueError",
        "nc_matmul_mx() tiles PE rows only: tile_size must be (128, 128), (64, 128) or (32, 128), got \(size)",
        at: a.location)
    }
    let k = stationary.partitionCount
    // An MX stationary is [K, M, 4]: M packed elements, one output column each.
    let m = stationary.freeElementCount / (mx ? 4 : 1)
    guard k <= size[0], m <= size[1] else {
      throw TraceError.python(
        "ValueError",
        "\(op)() stationary [\(k), \(m)] does not fit its PE tile of tile_size=\(size) (contraction rows, output columns)",
        at: a.location)
    }
  }
}
