import Foundation
import TesselHost
import TesselIR
import TesselInterpreter
import TesselLang
import Testing

/// `nl.shared_constant`, `nl.shared_identity_matrix` and the direct-allocation buffers
/// (`ncc.sbuf.mod_alloc`, `ncc.psum.alloc`, ...), against plain loops.
@Suite("Shared constants and direct allocation in the legacy dialect")
struct SharedConstantTests {
  static let npHeader =
    header + """
      import neuronxcc.nki.compiler as ncc
      import numpy as np

      """

  @Test(
    "nl.shared_constant(np.identity(n)) is the identity, rounded to dtype=; a transpose by it is exact",
    arguments: [(1, 3), (7, 5), (128, 64)])
  func identityTranspose(p: Int, f: Int) throws {
    let src =
      Self.npHeader + """
        @nki.jit
        def k(x):
            P, F = x.shape
            out = nl.ndarray((F, P), dtype=x.dtype, buffer=nl.shared_hbm)
            ident = nl.shared_constant(np.identity(P, dtype=np.int8), dtype=nl.bfloat16)
            i_sb = nl.ndarray((nl.par_dim(P), P), dtype=nl.float32, buffer=ncc.sbuf.mod_alloc(base_addr=0))
            i_sb[...] = nl.load(ident, dtype=nl.float32)
            t = nl.load(x)
            ps = nl.ndarray((F, P), dtype=nl.float32, buffer=ncc.psum.mod_alloc(base_bank=0, num_bank_tiles=(1,)))
            ps[...] = nisa.nc_matmul(t, i_sb)
            nl.store(out, nl.copy(ps))
            return out
        """
    let x = (0..<(p * f)).map { Float($0 % 17) - 8 }
    let (_, r) = try traceAndRun(src, [try HostArray(shape: [p, f], dtype: .float32, values: x)])
    let out = r.outputs[0].floatValues()
    for i in 0..<p { for j in 0..<f { #expect(out[j * p + i] == x[i * f + j]) } }
    #expect(r.report.warnings.isEmpty)
  }

  @Test("shared_constant keeps an array's values (rounded to the dtype); shared_identity_matrix(n)")
  func values() throws {
    let src =
      Self.npHeader + """
        @nki.jit
        def k(x):
            out = nl.ndarray((4, 6), dtype=nl.float32, buffer=nl.shared_hbm)
            c = nl.shared_constant(np.arange(12, dtype=np.float32).reshape(4, 3) / 3.0, dtype=nl.bfloat16)
            e = nl.shared_identity_matrix(4, dtype=nl.float32)
            t = nl.ndarray((4, 6), dtype=nl.float32, buffer=nl.sbuf)
            t[:, 0:3] = nl.load(c, dtype=nl.float32)
            t[:, 2:6] = nl.load(e)
            nl.store(out, t)
            return out
        """
    let (_, r) = try traceAndRun(src, [try HostArray(shape: [1, 1], dtype: .float32, values: [0])])
    let out = r.outputs[0].floatValues()
    for i in 0..<4 {
      for j in 0..<2 {
        let v = Float(i * 3 + j) / 3
        // bf16 keeps 8 significant bits: the nearest such value.
        let bits = v.bitPattern
        let rounded = Float(bitPattern: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) & 0xFFFF_0000)
        #expect(out[i * 6 + j] == rounded, "\(i), \(j)")
      }
      for j in 2..<6 { #expect(out[i * 6 + j] == (j - 2 == i ? 1 : 0)) }
    }
  }

  @Test("a shared constant is read-only: writing it is an error at the write")
  func readOnly() throws {
    let src =
      Self.npHeader + """
        @nki.jit
        def k(x):
            c = nl.shared_identity_matrix(4, dtype=nl.float32)
            nl.store(c, nl.load(x))
            return x
        """
    do {
      _ = try traceAndRun(src, [try HostArray(shape: [4, 4], dtype: .float32, values: Array(repeating: 0, count: 16))])
      Issue.record("expected an error")
    } catch {
      #expect("\(error)".contains("read-only"), "\(error)")
    }
  }

  @Test("nl.shared_constant of something other than a trace-time array is a TypeError")
  func notAnArray() throws {
    let src =
      Self.npHeader + """
        @nki.jit
        def k(x):
            c = nl.shared_constant(x)
            return x
        """
    #expect(throws: (any Error).self) {
      try traceAndRun(src, [try HostArray(shape: [4, 4], dtype: .float32, values: Array(repeating: 0, count: 16))])
    }
  }

  @Test(
    "nc_matmul(is_transpose=True) by an identity writes the input dtype on trn2 and fp32 on trn1",
    arguments: [(Target.trn2, DType.bfloat16), (.trn1, .float32)])
  func peTranspose(target: Target, psumType: DType) throws {
    let src =
      Self.npHeader + """
        @nki.jit
        def k(x):
            P, F = x.shape
            out = nl.ndarray((F, P), dtype=x.dtype, buffer=nl.shared_hbm)
            ident = nl.shared_identity_matrix(P, dtype=nl.bfloat16)
            i_sb = nl.load(ident)
            if nisa.get_nc_version() >= nisa.nc_version.gen3:
                ps = nl.ndarray((F, P), dtype=x.dtype, buffer=ncc.psum.mod_alloc(base_bank=0))
            else:
                ps = nl.ndarray((F, P), dtype=nl.float32, buffer=ncc.psum.mod_alloc(base_bank=0))
            ps[...] = nisa.nc_matmul(nl.load(x), i_sb, is_transpose=True)
            nl.store(out, nl.copy(ps, dtype=x.dtype))
            return out
        """
    let (p, f) = (7, 5)
    let x = (0..<(p * f)).map { Float($0) - 10 }
    let file = try NKIFile(source: src, file: "t.py")
    let traced = try file.trace(arguments: [.tensor(shape: [p, f], dtype: .bfloat16)], target: target)
    #expect(traced.kernel.tensors.contains { $0.name == "ps" && $0.dtype == psumType })
    var options = RunOptions()
    options.target = target
    let r = try Interpreter(kernel: traced.kernel, options: options).run(hostArrays: [
      try HostArray(shape: [p, f], dtype: .bfloat16, values: x)
    ])
    let out = r.outputs[0].floatValues()
    for i in 0..<p { for j in 0..<f { #expect(out[j * p + i] == x[i * f + j]) } }
  }

  @Test("a transposing nc_matmul writes its input dtype on trn2 and trn3, fp32 on trn1 (verifier)")
  func peTransposeDType() throws {
    func kernel(_ dstType: DType) -> KernelBuilder {
      var b = KernelBuilder(name: "k")
      let s = b.declareTensor(name: "s", space: .sbuf, shape: [4, 4], dtype: .bfloat16)
      let m = b.declareTensor(name: "m", space: .sbuf, shape: [4, 4], dtype: .bfloat16)
      let d = b.declareTensor(name: "d", space: .psum, shape: [4, 4], dtype: dstType)
      b.emit(.memset(dst: .whole(s, shape: [4, 4]), value: 1), engine: .vector, mask: [], location: .unknown)
      b.emit(.memset(dst: .whole(m, shape: [4, 4]), value: 1), engine: .vector, mask: [], location: .unknown)
      b.emit(
        .matmul(
          dst: .whole(d, shape: [4, 4]), stationary: .whole(s, shape: [4, 4]), moving: .whole(m, shape: [4, 4]),
          accumulation: .overwrite, isTranspose: true), engine: .tensor, mask: [], location: .unknown)
      return b
    }
    #expect(throws: (any Error).self) { try kernel(.float32).finish(target: .trn2) }
    #expect(throws: (any Error).self) { try kernel(.bfloat16).finish(target: .trn1) }
    _ = try kernel(.bfloat16).finish(target: .trn2)
    _ = try kernel(.float32).finish(target: .trn1)
  }
}
