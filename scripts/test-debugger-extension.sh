#!/usr/bin/env bash
# Builds the Python Debugger extension's test double in .vscode-test/python-debugger-extension: the files of
# test/fixtures/python-debugger-extension plus a real debugpy in bundled/libs (`pip install --target`, as the real
# extension bundles it). Idempotent. Prints the extension's folder on its last line.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXT="$ROOT/.vscode-test/python-debugger-extension"
mkdir -p "$EXT"
cp "$ROOT/test/fixtures/python-debugger-extension/package.json" "$ROOT/test/fixtures/python-debugger-extension/extension.js" "$EXT/"
if [ ! -f "$EXT/bundled/libs/debugpy/adapter/__main__.py" ]; then
  rm -rf "$EXT/bundled/libs"
  python3 -m pip install --quiet --disable-pip-version-check --retries 0 --no-compile --target "$EXT/bundled/libs" debugpy >&2
fi
echo "$EXT"
