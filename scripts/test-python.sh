#!/usr/bin/env bash
# The tests' Python: a venv in .vscode-test/venv with debugpy (Retry locally / launch configs), PyYAML (the
# runnable stand-in, test/standin) and moto with its server extra (`python -m moto.server`, the S3 tests' endpoint) and pytest (the generated regression tests).
# Idempotent: a venv that already imports all of them is kept. Prints the interpreter's path on its last line.
#
# The venv sees the base interpreter's site-packages (--system-site-packages), so packages that the machine's
# Python already has are used as they are and pip installs only what is missing. The index here is a local
# mirror (pip config); --retries 0: an unreachable default index then fails fast instead of 10-15 s per retry.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.vscode-test/venv"
PY="$VENV/bin/python"
CHECK='import debugpy, yaml, moto, moto.server, flask, flask_cors, pytest'
if [ ! -x "$PY" ] || ! "$PY" -c "$CHECK" 2>/dev/null; then
  if [ ! -x "$PY" ] || ! "$PY" -c 'import sys; sys.exit(0 if sys.prefix != sys.base_prefix else 1)' 2>/dev/null \
     || ! grep -q '^include-system-site-packages = true' "$VENV/pyvenv.cfg" 2>/dev/null; then
    rm -rf "$VENV"
    python3 -m venv --system-site-packages "$VENV" >&2
  fi
  if ! "$VENV/bin/pip" install --quiet --disable-pip-version-check --retries 0 debugpy pyyaml 'moto[server]' pytest >&2; then
    echo "[test-python] pip could not install debugpy, pyyaml, moto[server] and pytest into $VENV." >&2
    echo "[test-python] moto is needed by the S3 tests; install it into $(command -v python3) (pip install 'moto[server]')" >&2
    echo "[test-python] or make it reachable from pip's index, then run again." >&2
    exit 1
  fi
  "$PY" -c "$CHECK" >&2
fi
echo "$PY"
