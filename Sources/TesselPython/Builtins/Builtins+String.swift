import Foundation
import TesselIR

extension Evaluator {
  func installStringMethods() {
    func string(_ v: Value?) -> String {
      if case .string(let s)? = v { return s }
      return ""
    }
    func optionalString(_ v: Value?, _ ev: Evaluator) throws(TraceError) -> String? {
      guard let v, !v.isNone else { return nil }
      return try ev.str(v)
    }
    method("str", "format(self, /, *args, **kwargs)") { a, ev, loc throws(TraceError) in
      .string(try ev.formatString(string(a[0]), a.extraPositional, a.extraKeywords, at: loc))
    }
    method("str", "join(self, iterable, /)") { a, ev, loc throws(TraceError) in
      var parts: [String] = []
      for x in try ev.iterate(a[1] ?? .none, at: loc) {
        guard case .string(let s) = x else {
          throw TraceError.typeError(
            .message("sequence item \(parts.count): expected str instance, \(x.typeName) found"), at: loc)
        }
        parts.append(s)
      }
      return .string(parts.joined(separator: string(a[0])))
    }
    let simple: [(String, (String) -> Value)] = [
      ("upper", { .string($0.uppercased()) }), ("lower", { .string($0.lowercased()) }),
      ("casefold", { .string($0.lowercased()) }),
      ("capitalize", { .string($0.prefix(1).uppercased() + $0.dropFirst().lowercased()) }),
      ("title", { .string($0.capitalized) }),
      (
        "swapcase",
        { .string(String($0.map { $0.isUppercase ? Character($0.lowercased()) : Character($0.uppercased()) })) }
      ),
      ("isdigit", { .bool(!$0.isEmpty && $0.allSatisfy(\.isNumber)) }),
      ("isnumeric", { .bool(!$0.isEmpty && $0.allSatisfy(\.isNumber)) }),
      ("isdecimal", { .bool(!$0.isEmpty && $0.allSatisfy(\.isNumber)) }),
      ("isalpha", { .bool(!$0.isEmpty && $0.allSatisfy(\.isLetter)) }),
      ("isalnum", { .bool(!$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber }) }),
      ("isspace", { .bool(!$0.isEmpty && $0.allSatisfy(\.isWhitespace)) }),
      ("isupper", { .bool($0.contains(where: \.isUppercase) && !$0.contains(where: \.isLowercase)) }),
      ("islower", { .bool($0.contains(where: \.isLowercase) && !$0.contains(where: \.isUppercase)) }),
      (
        "isidentifier",
        { s in
          .bool(
            s.first.map { $0 == "_" || $0.isLetter } == true && s.allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber }
          )
        }
      ),
      (
        "splitlines",
        {
          .list(
            PyList($0.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { .string(String($0)) }))
        }
      ),
    ]
    for (name, f) in simple {
      method("str", "\(name)(self, /)") { a, _, _ throws(TraceError) in f(string(a[0])) }
    }
    for name in ["startswith", "endswith"] {
      method("str", "\(name)(self, prefix, /)") { a, ev, loc throws(TraceError) in
        let s = string(a[0])
        let options: [Value]
        if case .tuple(let xs)? = a[1] { options = xs } else { options = [a[1] ?? .none] }
        for o in options {
          guard case .string(let p) = o else {
            throw TraceError.typeError(
              .message("\(name) first arg must be str or a tuple of str, not \(o.typeName)"), at: loc)
          }
          if name == "startswith" ? s.hasPrefix(p) : s.hasSuffix(p) { return .bool(true) }
        }
        return .bool(false)
      }
    }
    for name in ["strip", "lstrip", "rstrip"] {
      method("str", "\(name)(self, chars=None, /)") { a, ev, _ throws(TraceError) in
        let s = string(a[0])
        let chars = try optionalString(a[1], ev)
        func drop(_ c: Character) -> Bool { chars.map { $0.contains(c) } ?? c.isWhitespace }
        var sub = Substring(s)
        if name != "rstrip" { sub = sub.drop(while: drop) }
        if name != "lstrip" { while let l = sub.last, drop(l) { sub = sub.dropLast() } }
        return .string(String(sub))
      }
    }
    for name in ["split", "rsplit"] {
      method("str", "\(name)(self, /, sep=None, maxsplit=-1)") { a, ev, loc throws(TraceError) in
        let s = string(a[0])
        let sep = try optionalString(a[1], ev)
        let maxsplit = try ev.intValue(a[2] ?? .int(-1), at: loc)
        var parts: [String]
        if let sep {
          if sep.isEmpty { throw TraceError.python("ValueError", "empty separator", at: loc) }
          parts = s.components(separatedBy: sep)
          if maxsplit >= 0 && parts.count > maxsplit + 1 {
            if name == "split" {
              parts = Array(parts[..<maxsplit]) + [parts[maxsplit...].joined(separator: sep)]
            } else {
              let k = parts.count - maxsplit
              parts = [parts[..<k].joined(separator: sep)] + Array(parts[k...])
            }
          }
        } else {
          parts = s.split(whereSeparator: \.isWhitespace).map(String.init)
        }
        return .list(PyList(parts.map { .string($0) }))
      }
    }
    method("str", "replace(self, old, new, count=-1, /)") { a, ev, loc throws(TraceError) in
      let s = string(a[0])
      let old = string(a[1])
      let new = string(a[2])
      let count = try ev.intValue(a[3] ?? .int(-1), at: loc)
      if count < 0 { return .string(s.replacingOccurrences(of: old, with: new)) }
      var out = s
      var done = 0
      var searchStart = out.startIndex
      while done < count, let r = out.range(of: old, range: searchStart..<out.endIndex) {
        out.replaceSubrange(r, with: new)
        searchStart = out.index(r.lowerBound, offsetBy: new.count)
        done += 1
      }
      return .string(out)
    }
    for name in ["find", "index", "rfind", "rindex"] {
      method("str", "\(name)(self, sub, /)") { a, _, loc throws(TraceError) in
        let s = string(a[0])
        let sub = string(a[1])
        let r = name.hasPrefix("r") ? s.range(of: sub, options: .backwards) : s.range(of: sub)
        if let r { return .int(s.distance(from: s.startIndex, to: r.lowerBound)) }
        if name.hasSuffix("index") { throw TraceError.python("ValueError", "substring not found", at: loc) }
        return .int(-1)
      }
    }
    method("str", "count(self, sub, /)") { a, _, _ throws(TraceError) in
      let s = string(a[0])
      let sub = string(a[1])
      guard !sub.isEmpty else { return .int(s.count + 1) }
      return .int(s.components(separatedBy: sub).count - 1)
    }
    method("str", "zfill(self, width, /)") { a, ev, loc throws(TraceError) in
      let s = string(a[0])
      let w = try ev.intValue(a[1] ?? .none, at: loc)
      guard s.count < w else { return .string(s) }
      let pad = String(repeating: "0", count: w - s.count)
      if let f = s.first, f == "-" || f == "+" { return .string(String(f) + pad + s.dropFirst()) }
      return .string(pad + s)
    }
    for (name, align) in [("center", "^"), ("ljust", "<"), ("rjust", ">")] {
      method("str", "\(name)(self, width, fillchar=' ', /)") { a, ev, loc throws(TraceError) in
        let fill = string(a[2] ?? .string(" "))
        let w = try ev.intValue(a[1] ?? .none, at: loc)
        return .string(try ev.format(a[0] ?? .none, fill + align + String(w), at: loc))
      }
    }
    for name in ["partition", "rpartition"] {
      method("str", "\(name)(self, sep, /)") { a, _, _ throws(TraceError) in
        let s = string(a[0])
        let sep = string(a[1])
        guard let r = name == "partition" ? s.range(of: sep) : s.range(of: sep, options: .backwards) else {
          return name == "partition"
            ? .tuple([.string(s), .string(""), .string("")]) : .tuple([.string(""), .string(""), .string(s)])
        }
        return .tuple([.string(String(s[..<r.lowerBound])), .string(sep), .string(String(s[r.upperBound...]))])
      }
    }
    method("str", "removeprefix(self, prefix, /)") { a, _, _ throws(TraceError) in
      let s = string(a[0])
      let p = string(a[1])
      return .string(s.hasPrefix(p) ? String(s.dropFirst(p.count)) : s)
    }
    method("str", "removesuffix(self, suffix, /)") { a, _, _ throws(TraceError) in
      let s = string(a[0])
      let p = string(a[1])
      return .string(s.hasSuffix(p) && !p.isEmpty ? String(s.dropLast(p.count)) : s)
    }
  }

  /// `"...".format(*args, **kwargs)`: `{}`, `{0}`, `{name}`, `{x.attr}`, `{x[0]}`, `!r`, `!s` and
  /// format specs.
  package func formatString(_ fmt: String, _ args: [Value], _ kwargs: [(String, Value)], at loc: SourceLocation)
    throws(TraceError) -> String
  {
    var out = ""
    var chars = Array(fmt)[...]
    var auto = 0
    while let c = chars.popFirst() {
      if c == "}" {
        if chars.first == "}" { chars.removeFirst() }
        out.append("}")
        continue
      }
      guard c == "{" else {
        out.append(c)
        continue
      }
      if chars.first == "{" {
        chars.removeFirst()
        out.append("{")
        continue
      }
      var field = ""
      var depth = 0
      while let d = chars.popFirst() {
        if d == "{" { depth += 1 }
        if d == "}" {
          if depth == 0 { break }
          depth -= 1
        }
        field.append(d)
      }
      var spec = ""
      var conversion: Character?
      if let colon = field.firstIndex(of: ":") {
        spec = String(field[field.index(after: colon)...])
        field = String(field[..<colon])
      }
      if let bang = field.firstIndex(of: "!") {
        conversion = field[field.index(after: bang)...].first
        field = String(field[..<bang])
      }
      let nameEnd = field.firstIndex { $0 == "." || $0 == "[" } ?? field.endIndex
      let head = String(field[..<nameEnd])
      var value: Value
      if head.isEmpty {
        guard auto < args.count else {
          throw TraceError.python(
            "IndexError", "Replacement index \(auto) out of range for positional args tuple", at: loc)
        }
        value = args[auto]
        auto += 1
      } else if let i = Int(head) {
        guard i < args.count else {
          throw TraceError.python(
            "IndexError", "Replacement index \(i) out of range for positional args tuple", at: loc)
        }
        value = args[i]
      } else {
        guard let kw = kwargs.first(where: { $0.0 == head }) else {
          throw TraceError.python("KeyError", "'\(head)'", at: loc)
        }
        value = kw.1
      }
      var rest = field[nameEnd...]
      while let f = rest.first {
        rest.removeFirst()
        if f == "." {
          let end = rest.firstIndex { $0 == "." || $0 == "[" } ?? rest.endIndex
          value = try attribute(value, String(rest[..<end]), at: loc)
          rest = rest[end...]
        } else if f == "[" {
          let end = rest.firstIndex(of: "]") ?? rest.endIndex
          let key = String(rest[..<end])
          value = try getItem(value, Int(key).map { .int($0) } ?? .string(key), at: loc)
          rest = end < rest.endIndex ? rest[rest.index(after: end)...] : rest[end...]
        }
      }
      if spec.contains("{") { spec = try formatString(spec, args, kwargs, at: loc) }
      switch conversion {
      case "r", "a": value = .string(try repr(value))
      case "s": value = .string(try str(value))
      default: break
      }
      out += try format(value, spec, at: loc)
    }
    return out
  }
}
