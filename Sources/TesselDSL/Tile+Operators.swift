/// Arithmetic operators on tiles are unavailable, so that `a + b` is a compile error naming the
/// call to write instead.
///
/// Every DSL call records the Swift location of the call (its `fileID`, `line` and `column`
/// defaults), which located errors and printed IR use; an operator cannot take default arguments,
/// so an arithmetic operator could record no location. The call reads the same as NKI's
/// `nl.add(a, b)`:
///
/// ```swift
/// let y = add(multiply(normed, gamma), beta)    // not normed * gamma + beta
/// let z = multiply(x, 2)                        // not x * 2
/// ```
extension Tile {
  @available(*, unavailable, message: "write add(a, b): a DSL call records its Swift location, an operator cannot")
  public static func + <B: OnChipMemory>(a: Tile, b: Tile<B>) -> Tile<SBUF> { add(a, b) }

  @available(*, unavailable, message: "write add(a, b): a DSL call records its Swift location, an operator cannot")
  public static func + (a: Tile, b: Float) -> Tile<SBUF> { add(a, b) }

  @available(*, unavailable, message: "write add(a, b): a DSL call records its Swift location, an operator cannot")
  public static func + (a: Float, b: Tile) -> Tile<SBUF> { add(a, b) }

  @available(*, unavailable, message: "write subtract(a, b): a DSL call records its Swift location, an operator cannot")
  public static func - <B: OnChipMemory>(a: Tile, b: Tile<B>) -> Tile<SBUF> { subtract(a, b) }

  @available(*, unavailable, message: "write subtract(a, b): a DSL call records its Swift location, an operator cannot")
  public static func - (a: Tile, b: Float) -> Tile<SBUF> { subtract(a, b) }

  @available(*, unavailable, message: "write subtract(a, b): a DSL call records its Swift location, an operator cannot")
  public static func - (a: Float, b: Tile) -> Tile<SBUF> { subtract(a, b) }

  @available(*, unavailable, message: "write multiply(a, b): a DSL call records its Swift location, an operator cannot")
  public static func * <B: OnChipMemory>(a: Tile, b: Tile<B>) -> Tile<SBUF> { multiply(a, b) }

  @available(*, unavailable, message: "write multiply(a, b): a DSL call records its Swift location, an operator cannot")
  public static func * (a: Tile, b: Float) -> Tile<SBUF> { multiply(a, b) }

  @available(*, unavailable, message: "write multiply(a, b): a DSL call records its Swift location, an operator cannot")
  public static func * (a: Float, b: Tile) -> Tile<SBUF> { multiply(a, b) }

  @available(*, unavailable, message: "write divide(a, b): a DSL call records its Swift location, an operator cannot")
  public static func / <B: OnChipMemory>(a: Tile, b: Tile<B>) -> Tile<SBUF> { divide(a, b) }

  @available(*, unavailable, message: "write divide(a, b): a DSL call records its Swift location, an operator cannot")
  public static func / (a: Tile, b: Float) -> Tile<SBUF> { divide(a, b) }

  @available(*, unavailable, message: "write divide(a, b): a DSL call records its Swift location, an operator cannot")
  public static func / (a: Float, b: Tile) -> Tile<SBUF> { divide(a, b) }
}
