# Sourced by the setup and test scripts: on macOS, puts Homebrew's keg-only OpenBLAS and libedit
# on PKG_CONFIG_PATH, where SwiftPM's pkg-config lookup finds them. Does nothing elsewhere.
if [ "$(uname -s)" = "Darwin" ] && command -v brew >/dev/null 2>&1; then
  for formula in openblas libedit; do
    prefix="$(brew --prefix "$formula" 2>/dev/null || true)"
    if [ -n "$prefix" ] && [ -d "$prefix/lib/pkgconfig" ]; then
      PKG_CONFIG_PATH="$prefix/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
    fi
  done
  export PKG_CONFIG_PATH
fi
