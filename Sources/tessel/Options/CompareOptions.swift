import ArgumentParser
import Foundation
import Tessel
import TesselTools

/// `--compare B.py`: a second kernel traced with the same arguments, estimated (and, with `run`,
/// run on the same data) next to the first.
struct CompareOptions: ParsableArguments {
  @Option(
    help:
      "Another kernel file to compare with: traced with the same arguments and target, estimated, and with run also run on the same data; prints both estimates, where the time moved and whether the outputs agree."
  )
  var compare: String?
  @Option(
    help: "The kernel function of the --compare file (default: the --kernel name, else its only @nki.jit function).")
  var compareKernel: String?

  /// The other kernel, prepared like `invocation` (its file and kernel replaced; the same seed
  /// gives it the same generated inputs).
  func prepare(like invocation: KernelInvocation, requireData: Bool, seed: UInt64? = nil) -> PreparedRun? {
    guard let compare else { return nil }
    var inv = invocation
    inv.file = compare
    inv.kernel = compareKernel ?? invocation.kernel
    if compareKernel == nil, invocation.kernel != nil,
      let names = try? NKIFile.load(path: compare).kernelNames, let only = names.first, names.count == 1
    {
      inv.kernel = only
    }
    return prepareOrExit(inv, requireData: requireData, seed: seed)
  }

  /// The comparison of two estimates and, after a run, of the two kernels' outputs.
  func comparison(
    _ a: TimingEstimate, file: String, _ b: TimingEstimate, outputs: (mine: [HostArray], theirs: [HostArray])?
  ) -> KernelComparison {
    let other = compare ?? ""
    let timing = TimingComparison(
      before: a.report, beforeName: (file as NSString).lastPathComponent, after: b.report,
      afterName: (other as NSString).lastPathComponent)
    var text = ""
    var differences: [CompareReportJSON.OutputDifference] = []
    if let (mine, theirs) = outputs {
      if mine.count != theirs.count {
        text += "outputs: \(mine.count) returned, \(theirs.count) by \(other)\n"
      }
      for (i, (x, y)) in zip(mine, theirs).enumerated() {
        guard x.shape == y.shape else {
          text += "output \(i): shapes differ, \(x.shape) and \(y.shape)\n"
          differences.append(.init(index: i, shapesAgree: false, maxDifference: nil, at: nil))
          continue
        }
        let (worst, index) = largestDifference(x, y)
        text += worst == 0 ? "output \(i): identical\n" : "output \(i): max |difference| = \(worst) at \(index)\n"
        differences.append(
          .init(index: i, shapesAgree: true, maxDifference: worst.isFinite ? Double(worst) : nil, at: index))
      }
    }
    text += timing.summary()
    return KernelComparison(
      text: text, json: CompareReportJSON(file: other, comparison: timing, outputs: outputs == nil ? nil : differences))
  }
}

/// A `--compare` result: what is printed, and what `--json` embeds.
struct KernelComparison {
  var text: String
  var json: CompareReportJSON
}

/// The largest absolute difference between two arrays of the same shape, and where (NaN against a
/// number counts as infinite).
func largestDifference(_ a: HostArray, _ b: HostArray) -> (worst: Float, index: [Int]) {
  let x = a.floatValues()
  let y = b.floatValues()
  var worst: Float = 0
  var at = 0
  for j in x.indices where j < y.count && (abs(x[j] - y[j]) > worst || x[j].isNaN != y[j].isNaN) {
    worst = x[j].isNaN != y[j].isNaN ? .infinity : abs(x[j] - y[j])
    at = j
  }
  var index: [Int] = []
  var rest = at
  for d in a.shape.reversed() {
    index.insert(rest % max(d, 1), at: 0)
    rest /= max(d, 1)
  }
  return (worst, index)
}
