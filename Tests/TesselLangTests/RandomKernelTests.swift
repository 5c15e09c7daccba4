import Foundation
import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import Testing

/// A small random program over two input tiles, written both as NKI source and as plain Swift.
struct RandomElementwiseKernel {
  enum Step {
    case binary(String, Int, Int)  // nl function, operand indices
    case unary(String, Int)
    case scalar(String, Int, Float)  // nl function with a Python float
  }

  var rows: Int
  var cols: Int
  var steps: [Step] = []

  init(seed: UInt64) {
    var s = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    func next(_ n: Int) -> Int {
      s ^= s << 13; s ^= s >> 7; s ^= s << 17
      return Int(s % UInt64(n))
    }
    rows = [1, 7, 128, 130, 300][next(5)]
    cols = [1, 5, 64, 513][next(4)]
    let count = 1 + next(6)
    for i in 0..<count {
      let values = 2 + i  // x, y, then each step's result
      switch next(3) {
      case 0: steps.append(.binary(["add", "subtract", "multiply", "maximum", "minimum"][next(5)], next(values), next(values)))
      case 1: steps.append(.unary(["tanh", "abs", "square", "sigmoid", "negative"][next(5)], next(values)))
      default: steps.append(.scalar(["add", "multiply", "subtract"][next(3)], next(values), Float(next(9)) / 4 - 1))
      }
    }
  }

  /// The NKI source: 128-row tiles over the rows, masked on the ragged last tile.
  var source: String {
    var body = ""
    for (i, step) in steps.enumerated() {
      let name = "v\(i + 2)"
      switch step {
      case .binary(let f, let a, let b): body += "        \(name) = nl.\(f)(v\(a), v\(b), mask=inside)\n"
      case .unary(let f, let a): body += "        \(name) = nl.\(f)(v\(a), mask=inside)\n"
      case .scalar(let f, let a, let x): body += "        \(name) = nl.\(f)(v\(a), \(x), mask=inside)\n"
      }
    }
    return """
      import neuronxcc.nki as nki
      import neuronxcc.nki.language as nl

      @nki.jit
      def k(x, y):
          out = nl.ndarray(x.shape, dtype=x.dtype, buffer=nl.shared_hbm)
          ip = nl.arange(128)[:, None]
          jf = nl.arange(\(cols))[None, :]
          for t in nl.affine_range(\((rows + 127) / 128)):
              inside = (t * 128 + ip < \(rows))
              v0 = nl.load(x[t * 128 + ip, jf], mask=inside)
              v1 = nl.load(y[t * 128 + ip, jf], mask=inside)
      \(body)        nl.store(out[t * 128 + ip, jf], value=v\(steps.count + 1), mask=inside)
          return out

      """
  }

  /// The same computation as plain loops.
  func reference(_ x: [Float], _ y: [Float]) -> [Float] {
    (0..<x.count).map { e in
      var v: [Float] = [x[e], y[e]]
      for step in steps {
        switch step {
        case .binary(let f, let a, let b):
          let p = v[a], q = v[b]
          switch f {
          case "add": v.append(p + q)
          case "subtract": v.append(p - q)
          case "multiply": v.append(p * q)
          case "maximum": v.append(Swift.max(p, q))
          default: v.append(Swift.min(p, q))
          }
        case .unary(let f, let a):
          let p = v[a]
          switch f {
          case "tanh": v.append(Foundation.tanh(p))
          case "abs": v.append(Swift.abs(p))
          case "square": v.append(p * p)
          case "sigmoid": v.append(1 / (1 + Foundation.exp(-p)))
          default: v.append(-p)
          }
        case .scalar(let f, let a, let c):
          let p = v[a]
          switch f {
          case "add": v.append(p + c)
          case "multiply": v.append(p * c)
          default: v.append(p - c)
          }
        }
      }
      return v[v.count - 1]
    }
  }
}

@Suite("Random valid kernels against plain loops")
struct RandomKernelTests {
  @Test("elementwise programs over ragged tiles", arguments: 0..<40)
  func randomProgram(seed: Int) throws {
    let k = RandomElementwiseKernel(seed: UInt64(seed + 1))
    let n = k.rows * k.cols
    let x = (0..<n).map { Float(($0 &* 37 &+ seed) % 97) / 24 - 2 }
    let y = (0..<n).map { Float(($0 &* 53 &+ 3 * seed) % 89) / 22 - 2 }
    let traced = try NKIFile(source: k.source, file: "random\(seed).py").trace(
      arguments: [.tensor(shape: [k.rows, k.cols], dtype: .float32), .tensor(shape: [k.rows, k.cols], dtype: .float32)])
    let r = try Interpreter(kernel: traced.kernel).run(hostArrays: [
      HostArray(shape: [k.rows, k.cols], dtype: .float32, values: x),
      HostArray(shape: [k.rows, k.cols], dtype: .float32, values: y),
    ])
    let got = r.outputs[0].floatValues()
    let expected = k.reference(x, y)
    var bad = 0
    for i in 0..<n where !(abs(got[i] - expected[i]) <= 1e-5 * Swift.max(1, abs(expected[i]))) { bad += 1 }
    #expect(bad == 0, "seed \(seed): \(bad) of \(n) elements differ\n\(k.source)")
    #expect(r.report.warnings.isEmpty, "\(r.report.warnings.map(\.message))")
  }
}
