/// How the printer spells operands, for ``OperationPayload/printedArguments(_:)``.
public struct IRFormat {
  let viewText: (View) -> String
  let conditionText: (AffineCondition) -> String

  /// A view as `name[start:stop, …]`.
  public func view(_ v: View) -> String { viewText(v) }

  /// An operand: a view, or a scalar immediate printed the same on every platform.
  public func operand(_ o: Operand) -> String {
    switch o {
    case .scalar(let x): formatFloat(x)
    case .view(let v): viewText(v)
    }
  }

  /// An affine condition as `i0 + 2*i1 - 3 >= 0`.
  public func condition(_ c: AffineCondition) -> String { conditionText(c) }

  /// A float immediate printed the same on every platform.
  public func number(_ x: Float) -> String { formatFloat(x) }
}
