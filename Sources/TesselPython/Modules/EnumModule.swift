import TesselIR

/// `enum`: `Enum`, `IntEnum`, `StrEnum`, `Flag`, `IntFlag`, `auto`, `unique`.
enum EnumModule {
  static func make(_ ev: Evaluator) -> TableModule {
    let m = TableModule("enum")
    let object = ev.builtinClass("object")
    let enumClass = PyClass(builtin: "Enum", base: object, kind: .object)
    enumClass.role = .enumBase
    enumClass.module = "enum"
    m.table["Enum"] = .type(enumClass)
    for (name, mixin) in [("IntEnum", "int"), ("StrEnum", "str"), ("IntFlag", "int")] {
      let c = (try? PyClass(name: name, bases: [ev.builtinClass(mixin), enumClass])) ?? enumClass
      c.role = .enumBase
      c.module = "enum"
      m.table[name] = .type(c)
    }
    let flag = (try? PyClass(name: "Flag", bases: [enumClass])) ?? enumClass
    flag.role = .enumBase
    flag.module = "enum"
    m.table["Flag"] = .type(flag)
    m.define("auto()") { _, _, _ throws(TraceError) in .native(AutoValue()) }
    m.define("unique(enumeration, /)") { a, ev, loc throws(TraceError) in
      guard case .type(let c)? = a[0], let info = c.enumInfo else { return a[0] ?? .none }
      let aliases = info.members.filter { !info.names.contains($0.key) }.map(\.key).sorted()
      if !aliases.isEmpty {
        throw TraceError.python(
          "ValueError", "duplicate values found in \(try ev.repr(.type(c))): \(aliases.joined(separator: ", "))",
          at: loc)
      }
      return a[0] ?? .none
    }
    return m
  }
}
