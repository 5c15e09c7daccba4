import TesselIR
import TesselPython

/// What is live in an interactive session: the tensors the session's names reach.
///
/// A tile at the prompt is allocated on the host's core when the statement that makes it is
/// executed, and freed when nothing at the prompt refers to it any more (as CPython frees an
/// object). A tile held in a list, a dict, a tuple or an object's attribute counts as long as
/// its holder does; a statement that fails binds nothing, so what it made is freed.
extension InteractiveTracer {
  /// The tensors reachable from the session's names, each under the first path that reaches it
  /// (names in sorted order; `ps[3]`, `d['k']`, `cfg.acc`), storage bases after their aliases.
  func reachableTensors() -> [(path: String, id: TensorID)] {
    var found: [(String, TensorID)] = []
    var seenTensors = Set<TensorID>()
    var seenObjects = Set<ObjectIdentifier>()
    var budget = 1 << 20
    let kernel = self.kernel
    func add(_ id: TensorID, _ path: String) {
      for t in [id, kernel.storage(of: id)] where !seenTensors.contains(t) {
        seenTensors.insert(t)
        found.append((path, t))
      }
    }
    func visit(_ v: Value, _ path: String, _ depth: Int) {
      budget -= 1
      guard budget > 0, depth < 16 else { return }
      if let t = v.tensor {
        add(t.id, path)
        return
      }
      if let t = v.native(NkiTensor.self) {
        add(t.storage, path)
        return
      }
      func once(_ o: AnyObject) -> Bool { seenObjects.insert(ObjectIdentifier(o)).inserted }
      switch v {
      case .tuple(let xs):
        for (i, x) in xs.enumerated() { visit(x, "\(path)[\(i)]", depth + 1) }
      case .list(let l):
        guard once(l) else { return }
        for (i, x) in l.items.enumerated() { visit(x, "\(path)[\(i)]", depth + 1) }
      case .dict(let d):
        guard once(d) else { return }
        for (k, x) in d.items {
          let key = (try? ev.repr(k)) ?? "?"
          visit(x, "\(path)[\(key)]", depth + 1)
        }
      case .set(let s):
        guard once(s) else { return }
        for x in s.members { visit(x, "\(path){…}", depth + 1) }
      case .instance(let o):
        guard once(o) else { return }
        for (k, x) in o.attributes.sorted(by: { $0.key < $1.key }) { visit(x, "\(path).\(k)", depth + 1) }
      case .function(let f):
        guard once(f) else { return }
        for (k, x) in f.defaults.sorted(by: { $0.key < $1.key }) { visit(x, "\(path).<default \(k)>", depth + 1) }
      default:
        return
      }
    }
    for (name, v) in globals.names.sorted(by: { $0.key < $1.key }) { visit(v, name, 0) }
    return found
  }

  /// Allocates on the host's core what instructions `range` touch and what the names reach,
  /// each the first time it is needed: a tile that does not fit next to the live ones is a
  /// capacity error naming it, raised by the statement that made it.
  func allocateLive(_ range: Range<Int>) throws(TraceError) {
    guard let host else { return }
    let kernel = self.kernel
    var order: [TensorID] = []
    var names: [TensorID: String] = [:]
    for (path, id) in reachableTensors() {
      order.append(id)
      names[id] = path
    }
    var seen = Set(order)
    for inst in kernel.instructions[range] {
      for id in inst.operation.sources.map(\.view.tensor) + inst.operation.destinations.map(\.tensor) {
        for t in [kernel.storage(of: id), id] where !seen.contains(t) {
          seen.insert(t)
          order.append(t)
        }
      }
    }
    try host.allocate(order, of: kernel, names: names)
  }

  /// Allocates a tile made at the prompt (outside any loop of the session) at once.
  ///
  /// A tile that does not fit stops the statement at the call that makes it, as in Python: a
  /// loop `for i in range(4): tiles.append(nl.ndarray(...))` ends at the first tile that does not
  /// fit, with the tiles before it in `tiles`, instead of holding tiles that were never placed.
  func allocateAtCreation(_ id: TensorID, openLoops: Bool) throws(TraceError) {
    guard let host, !openLoops, kernel.tensors.indices.contains(id.index), kernel[id].space.isOnChip else {
      return
    }
    do throws(TraceError) { try host.allocate([id], of: kernel, names: [:]) } catch {
      // The error lists the live tiles: name them after what holds them now (`tiles[0]`, made
      // by this same statement), and the new tile after the name `b = nl.exp(a)` binds it to;
      // then raise it again.
      var paths: [TensorID: String] = [:]
      for (path, t) in reachableTensors() where paths[t] == nil { paths[t] = path }
      host.rename(paths)
      var names: [TensorID: String] = [:]
      if let s = statement, case .assign(let targets, let value) = s.kind, targets.count == 1,
        case .name(let n) = targets[0].kind, case .call = value.kind, value.location == kernel[id].location
      {
        names[id] = n
      }
      try host.allocate([id], of: kernel, names: names)
      throw error
    }
  }

  /// Frees the on-chip tiles nothing at the prompt refers to any more.
  func releaseUnreachable() {
    host?.release(keeping: Set(reachableTensors().map(\.id)))
  }
}
