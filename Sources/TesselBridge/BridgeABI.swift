// The C ABI the Python bridge loads with ctypes. Every entry point takes and returns plain C
// values; structured data crosses as JSON text that the caller frees with `tessel_bridge_free`.
// Array data never crosses as JSON: runs take pointers to the caller's buffers, and a run with
// nothing to report returns no text at all (the per-call path of a cached kernel).

import Foundation
import Tessel

/// The version of this ABI; the Python side refuses a library whose version it does not know.
let bridgeABIVersion = 5

/// Describes the library: `{"abi": 5, "targets": ["trn1", "trn2", "trn3"]}`.
@_cdecl("tessel_bridge_info")
public func tessel_bridge_info() -> UnsafeMutablePointer<CChar>? {
  struct Info: Encodable {
    var abi: Int
    var targets: [String]
  }
  return encodeJSON(Info(abi: bridgeABIVersion, targets: Target.allCases.map(\.rawValue)))
}

/// Traces and prepares a kernel described by a JSON ``PrepareRequest``.
///
/// Returns a ``PreparedResponse`` (with the handle later calls use) or a ``FailureResponse``.
@_cdecl("tessel_bridge_prepare")
public func tessel_bridge_prepare(_ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? {
  respond {
    guard let request else { throw BridgeUsageError("no request") }
    let decoded: PrepareRequest
    do {
      decoded = try JSONDecoder().decode(PrepareRequest.self, from: Data(String(cString: request).utf8))
    } catch {
      throw BridgeUsageError("malformed prepare request: \(error)")
    }
    return try BridgeSession.shared.prepare(decoded)
  }
}

/// Runs a prepared kernel once on caller memory.
///
/// `parameters` holds one buffer per parameter (in the prepared order) with its element count in
/// `parameterCounts`, and `outputs` one per returned tensor; each holds its tensor's elements in
/// the tensor's dtype (as the prepare response names it: bf16 as 2-byte words, fp8 as bytes). The
/// kernel's writes to a parameter land in the caller's buffer (fp32 ones directly).
///
/// Returns null when the run succeeded with nothing to report (no warning, nothing printed), with
/// the run's own wall time in `seconds`; otherwise a ``RunResponse`` (with the error a strict
/// caller raises when it warned) or a ``FailureResponse`` (kind `stale` when the kernel's source
/// files or environment changed since it was prepared: nothing ran).
@_cdecl("tessel_bridge_run")
public func tessel_bridge_run(
  _ handle: Int64,
  _ parameters: UnsafePointer<UnsafeMutableRawPointer?>?, _ parameterCounts: UnsafePointer<Int64>?,
  _ parameterCount: Int64,
  _ outputs: UnsafePointer<UnsafeMutableRawPointer?>?, _ outputCounts: UnsafePointer<Int64>?,
  _ outputCount: Int64, _ seconds: UnsafeMutablePointer<Double>?
) -> UnsafeMutablePointer<CChar>? {
  do {
    let params = try buffers(parameters, parameterCounts, parameterCount, what: "parameter")
    let outs = try buffers(outputs, outputCounts, outputCount, what: "output")
    let response = try BridgeSession.shared.run(Int(handle), parameters: params, outputs: outs)
    seconds?.pointee = response.seconds
    return response.isQuiet ? nil : encodeJSON(response)
  } catch {
    return encodeJSON(FailureResponse(error))
  }
}

/// Estimates a prepared kernel's hardware latency with the timing model.
///
/// `request` is a JSON ``EstimateRequest`` (`{}`, or `{"trace": "/path/out.json"}` for a Perfetto
/// trace). Returns an ``EstimateResponse`` or a ``FailureResponse``.
@_cdecl("tessel_bridge_estimate")
public func tessel_bridge_estimate(_ handle: Int64, _ request: UnsafePointer<CChar>?) -> UnsafeMutablePointer<CChar>? {
  respond {
    let decoded: EstimateRequest
    do {
      let text = request.map { String(cString: $0) } ?? "{}"
      decoded = try JSONDecoder().decode(EstimateRequest.self, from: Data(text.utf8))
    } catch {
      throw BridgeUsageError("malformed estimate request: \(error)")
    }
    return try BridgeSession.shared.estimate(Int(handle), decoded)
  }
}

/// Forgets a prepared kernel.
@_cdecl("tessel_bridge_release")
public func tessel_bridge_release(_ handle: Int64) {
  BridgeSession.shared.release(Int(handle))
}

/// Frees a string returned by this library.
@_cdecl("tessel_bridge_free")
public func tessel_bridge_free(_ text: UnsafeMutablePointer<CChar>?) {
  free(text)
}

/// The buffers behind a C array of pointers and counts; a null pointer is an empty buffer only
/// when its count is 0.
private func buffers(
  _ pointers: UnsafePointer<UnsafeMutableRawPointer?>?, _ counts: UnsafePointer<Int64>?, _ n: Int64, what: String
) throws -> [RawBuffer] {
  guard n >= 0 else { throw BridgeUsageError("negative \(what) count \(n)") }
  guard n > 0 else { return [] }
  guard let pointers, let counts else { throw BridgeUsageError("\(n) \(what) buffers but no pointers") }
  return try (0..<Int(n)).map { i in
    let count = Int(counts[i])
    guard count >= 0, pointers[i] != nil || count == 0 else {
      throw BridgeUsageError("\(what) buffer \(i) is null or has a negative size")
    }
    return RawBuffer(base: pointers[i], count: count)
  }
}

/// Runs `body` and returns its JSON, or a ``FailureResponse`` for whatever it throws, as a C string.
private func respond(_ body: () throws -> some Encodable) -> UnsafeMutablePointer<CChar>? {
  do {
    return encodeJSON(try body())
  } catch {
    return encodeJSON(FailureResponse(error))
  }
}

/// A value as a malloc'ed JSON C string.
private func encodeJSON(_ value: some Encodable) -> UnsafeMutablePointer<CChar>? {
  let data: Data
  do {
    data = try JSONEncoder().encode(value)
  } catch {
    data = Data(
      #"{"ok":false,"error":{"kind":"internal","message":"cannot encode a response","rendered":"error: cannot encode a response\n"}}"#
        .utf8)
  }
  return strdup(String(decoding: data, as: UTF8.self))
}
