import TesselIR
import TesselRepl
import Testing

/// The `SBUF … of …` / `PSUM …` numbers of every `:mem` report in a session's output.
func memoryReports(_ out: String) -> [(sbuf: Int, psum: Int)] {
  out.split(separator: "\n").compactMap { line -> (Int, Int)? in
    guard line.hasPrefix("SBUF ") else { return nil }
    let words = line.split(separator: " ")
    guard words.count > 8, let s = Int(words[1]), let pIndex = words.firstIndex(of: "PSUM"),
      let p = Int(words[pIndex + 1])
    else { return nil }
    return (s, p)
  }
}

@Suite("REPL memory: tiles live on the eager core while something at the prompt holds them")
struct ReplMemoryTests {
  @Test(
    "a tile larger than SBUF is refused where it is made, by name, and binds nothing", arguments: [Target.trn1, .trn2])
  func tooBigAlone(target: Target) {
    let columns = target.sbufBytesPerPartition / 4 + 1
    let (out, _) = session(
      [
        "big = nl.ndarray((128, \(columns)), dtype=nl.float32, buffer=nl.sbuf)",
        "big",
        ":mem",
      ], target: target)
    let need = columns * 4
    #expect(
      out.contains(
        "error: SBUF capacity exceeded: `big` needs \(need) bytes per partition on 128 partitions, more than the \(target.sbufBytesPerPartition) bytes per partition of SBUF on its own (\(need) > \(target.sbufBytesPerPartition))"
      ))
    #expect(out.contains(" --> <repl 1>:1:7"))
    #expect(out.contains("NameError: name 'big' is not defined"))
    #expect(memoryReports(out).map(\.sbuf) == [0])
  }

  @Test("tiles that fit one by one but not together: the second is refused, naming the first at its own line")
  func twoTiles() {
    let half = 212_984 / 4 / 2 + 1  // trn2: two of these exceed SBUF
    let (out, _) = session([
      "a = nl.ndarray((128, \(half)), dtype=nl.float32, buffer=nl.sbuf)",
      "x = 1",
      "b = nl.ndarray((128, \(half)), dtype=nl.float32, buffer=nl.sbuf)",
      "b",
      ":mem",
    ])
    #expect(
      out.contains(
        "error: SBUF capacity exceeded: `b` needs \(half * 4) bytes per partition on 128 partitions, but \(half * 4) of 212984 bytes per partition are held by live tensors [`a` \(half * 4) B × 128]"
      ))
    // The note points at the input that made `a`, not at the failing one.
    #expect(
      out.contains(
        "note: `a` (\(half * 4) bytes per partition) is live here, declared\n --> <repl 1>:1:5\n  |\n1 | a = nl.ndarray"
      ))
    #expect(out.contains("NameError: name 'b' is not defined"))
    #expect(memoryReports(out).map(\.sbuf) == [half * 4])
  }

  @Test("a failed eager statement binds nothing and keeps the old binding")
  func failedStatementBindsNothing() {
    let (out, _) = session([
      "w = nl.load(np.ones((4, 4)))",
      "big = nl.ndarray((128, 40000), dtype=nl.float32, buffer=nl.sbuf)",
      "w = nl.exp(big)",
      "w",
      ":mem",
    ])
    // `nl.exp(big)` needs 160000 more bytes next to `big`'s 160000: refused, `w` stays the ones.
    #expect(out.contains("error: SBUF capacity exceeded: `w` needs 160000 bytes per partition"))
    #expect(out.contains("w: sbuf float32[4, 4] partitions 0..3\n[[1. 1. 1. 1.]"))
    #expect(memoryReports(out).map(\.sbuf) == [160_000 + 16])
  }

  @Test("tiles held in a list count; PSUM is counted in banks; dropping the list frees them")
  func tilesInLists() {
    let (out, _) = session([
      "ps = [nl.zeros((128, 512), dtype=nl.float32, buffer=nl.psum) for i in range(9)]",
      "ps",
      "ps = [nl.zeros((128, 100), dtype=nl.float32, buffer=nl.psum) for i in range(8)]",
      ":mem",
      "d = {'k': ps[0]}",
      "del ps",
      ":mem",
      "del d",
      ":mem",
    ])
    #expect(
      out.contains(
        "error: PSUM capacity exceeded: `ps` needs 2048 bytes per partition (1 bank) on 128 partitions, but 16384 of 16384 bytes per partition (8 of 8 banks) are held by live tensors [`ps` 2048 B × 128,"
      ))
    #expect(out.contains("NameError: name 'ps' is not defined"))
    #expect(memoryReports(out).map(\.psum) == [16384, 2048, 0])
    #expect(out.contains("  ps[7]: psum float32[128, 100] partitions 0..127, 2048 B/partition"))
    #expect(out.contains("  d['k']: psum float32[128, 100] partitions 0..127, 2048 B/partition"))
  }

  @Test(
    "a loop that appends tiles stops at the first that does not fit: the list keeps the ones before, the session goes on"
  )
  func appendInLoopStopsAtFirstMisfit() {
    let (out, _) = session([
      "tiles = []",
      "for i in range(4):",
      "    tiles.append(nl.ndarray((128, 20000), dtype=nl.float32, buffer=nl.sbuf))",
      "    print('made', i)",
      "",
      "len(tiles)",
      ":mem",
      "tiles.append(nl.ndarray((128, 20000), dtype=nl.float32, buffer=nl.sbuf))",
      "len(tiles)",
      "tiles.pop()",
      "x = nl.ndarray((128, 20000), dtype=nl.float32, buffer=nl.sbuf)",
      ":mem",
    ])
    // Python stops the loop at the third nl.ndarray: two tiles were made and appended.
    #expect(out.contains("made 0\nmade 1\nerror: SBUF capacity exceeded: `%"), "\(out)")
    #expect(!out.contains("made 2"))
    #expect(out.contains(" --> <repl 2>:2:18"))
    #expect(
      out.contains(
        "held by live tensors [`tiles[0]` 80000 B × 128, `tiles[1]` 80000 B × 128]"))
    #expect(out.split(separator: "\n").filter { $0 == "2" }.count == 2, "\(out)")
    #expect(out.components(separatedBy: "error: SBUF capacity exceeded").count == 3)
    #expect(memoryReports(out).map(\.sbuf) == [160_000, 160_000])
    #expect(out.contains("  tiles[1]: sbuf float32[128, 20000] partitions 0..127, 80000 B/partition"))
    #expect(out.contains("  x: sbuf float32[128, 20000] partitions 0..127, 80000 B/partition"))
    #expect(!out.contains("tiles[2]"))
  }

  @Test("a temporary is freed after its statement; a rebound name frees the old tile")
  func temporariesAreFreed() {
    let (out, _) = session([
      "t = nl.load(np.ones((128, 1000)))",
      "nl.exp(t).shape",
      ":mem",
      "t = nl.load(np.ones((128, 10)))",
      ":mem",
    ])
    #expect(memoryReports(out).map(\.sbuf) == [4000, 40])
  }

  @Test("a generator dropped at the prompt is closed before the next prompt (its finally runs); one still held is not")
  func droppedGenerator() {
    let (out, _) = session([
      "log = []",
      "def gen(tag):",
      "    try:",
      "        yield 1",
      "        yield 2",
      "    finally:",
      "        log.append(tag)",
      "",
      "g = gen('dropped')",
      "next(g)",
      "h = gen('kept')",
      "next(h)",
      "g = None",
      "log",
      "next(h)",
      "log",
    ])
    #expect(out.contains("['dropped']\n2\n['dropped']\n"), "\(out)")
  }
}
