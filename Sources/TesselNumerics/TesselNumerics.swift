// TesselNumerics: bit-exact dtype conversions and the reference semantics of activation
// functions and ALU operations.
//
// Engines compute in fp32 and every stored element is rounded to its tensor's dtype
// ("round on write"). The public surface is a handful of extensions on TesselIR types:
//
//   DType.quantize(_:)            round a Float (or a whole buffer, in place) to the dtype
//   DType.encode(_:) / decode(_:) the dtype's raw bit pattern, for .npy and byte-level I/O
//   DType.maxFinite / minFinite   the dtype's finite range as Floats
//   ActivationFunction.apply(_:)  Scalar Engine functions, exact libm formulas
//   ALUOp.apply(_:_:)             binary ALU ops
//
// The rounding rules, the overflow choices and the evidence behind them are in
// docs/numerics.md.
