import TesselIR
import TesselNKI
import Testing

/// NKI's promotion table, written out by hand for every pair of dtypes: row with column.
///
/// From the NKI API documentation's "NKI Type Promotion" section, restated in docs/nki-rules.md.
/// `bool` is stored as `uint8` and promotes as one. Pairs the documentation leaves open (tf32
/// with a narrower float) take float32.
private let table = """
          bool   i8   i16  i32  u8   u16  u32  f16  bf16 tf32 f32  e4m3 e5m2 e4fn
  bool    bool   i16  i16  i32  u8   u16  u32  f16  bf16 tf32 f32  e4m3 e5m2 e4fn
  i8      i16    i8   i16  i32  i16  i32  f32  f16  bf16 tf32 f32  e4m3 e5m2 e4fn
  i16     i16    i16  i16  i32  i16  i32  f32  f16  bf16 tf32 f32  e4m3 e5m2 e4fn
  i32     i32    i32  i32  i32  i32  i32  f32  f16  bf16 tf32 f32  e4m3 e5m2 e4fn
  u8      u8     i16  i16  i32  u8   u16  u32  f16  bf16 tf32 f32  e4m3 e5m2 e4fn
  u16     u16    i32  i32  i32  u16  u16  u32  f16  bf16 tf32 f32  e4m3 e5m2 e4fn
  u32     u32    f32  f32  f32  u32  u32  u32  f16  bf16 tf32 f32  e4m3 e5m2 e4fn
  f16     f16    f16  f16  f16  f16  f16  f16  f16  f32  f32  f32  f16  f16  f16
  bf16    bf16   bf16 bf16 bf16 bf16 bf16 bf16 f32  bf16 f32  f32  bf16 bf16 bf16
  tf32    tf32   tf32 tf32 tf32 tf32 tf32 tf32 f32  f32  tf32 f32  f32  f32  f32
  f32     f32    f32  f32  f32  f32  f32  f32  f32  f32  f32  f32  f32  f32  f32
  e4m3    e4m3   e4m3 e4m3 e4m3 e4m3 e4m3 e4m3 f16  bf16 f32  f32  e4m3 bf16 bf16
  e5m2    e5m2   e5m2 e5m2 e5m2 e5m2 e5m2 e5m2 f16  bf16 f32  f32  bf16 e5m2 bf16
  e4fn    e4fn   e4fn e4fn e4fn e4fn e4fn e4fn f16  bf16 f32  f32  bf16 bf16 e4fn
  """

private let names: [String: DType] = [
  "bool": .bool, "i8": .int8, "i16": .int16, "i32": .int32, "u8": .uint8, "u16": .uint16, "u32": .uint32,
  "f16": .float16, "bf16": .bfloat16, "tf32": .tfloat32, "f32": .float32, "e4m3": .float8e4m3,
  "e5m2": .float8e5m2, "e4fn": .float8e4m3fn,
]

/// The table as (row, column, expected) triples.
private func entries() -> [(DType, DType, DType)] {
  let rows = table.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
  let columns = rows[0]
  var out: [(DType, DType, DType)] = []
  for row in rows.dropFirst() {
    for (c, cell) in row.dropFirst().enumerated() {
      if let a = names[row[0]], let b = names[columns[c]], let e = names[cell] { out.append((a, b, e)) }
    }
  }
  return out
}

@Suite("NKI dtype promotion")
struct PromotionTests {
  @Test("every pair of dtypes promotes as NKI's table says")
  func table() {
    let all = entries()
    #expect(all.count == DType.allCases.count * DType.allCases.count, "the table covers every pair of dtypes")
    for (a, b, expected) in all {
      #expect(NKIRules.promote(a, b) == expected, "(\(a), \(b))")
    }
  }

  @Test("promotion is symmetric", arguments: DType.allCases)
  func symmetric(a: DType) {
    for b in DType.allCases { #expect(NKIRules.promote(a, b) == NKIRules.promote(b, a), "(\(a), \(b))") }
  }

  @Test("weak scalars take the widest dtype of their kind: (int8, 2) gives int32, (float16, 1.2) float32")
  func weakScalars() {
    #expect(WeakScalar.bool.dtype == .uint8 && WeakScalar.int.dtype == .int32 && WeakScalar.float.dtype == .float32)
    #expect(NKIRules.promote(.int8, WeakScalar.int.dtype) == .int32)
    #expect(NKIRules.promote(.float16, WeakScalar.float.dtype) == .float32)
    #expect(NKIRules.promote(.bfloat16, WeakScalar.int.dtype) == .bfloat16)
  }

  @Test("comparisons and logical operators give bool unless dtype= says otherwise", arguments: ALUOp.allCases)
  func resultDType(op: ALUOp) {
    let truth: Set<ALUOp> = [
      .equal, .notEqual, .greater, .greaterEqual, .less, .lessEqual, .logicalAnd, .logicalOr, .logicalXor,
    ]
    let expected: DType = truth.contains(op) ? .bool : .float32
    #expect(NKIRules.resultDType(of: op, .bfloat16, .float32) == expected)
    #expect(NKIRules.resultDType(of: op, .bfloat16, .float32, explicit: .int8) == .int8)
  }
}
