import TesselPython

/// A native module of an NKI binding, made from its kind (which namespace it is) and its dotted
/// name.
protocol KindedModule: NativeModule {
  /// The namespaces the binding provides.
  associatedtype Kind
  /// The module `name` of `kind`.
  init(_ kind: Kind, name: String)
}

extension KindedModule {
  /// The module value of `kind` named `name` (its attributes are provided natively).
  static func value(_ kind: Kind, name: String) -> Value {
    .module(PyModule(name: name, scope: Scope(parent: nil), native: Self(kind, name: name)))
  }
}
