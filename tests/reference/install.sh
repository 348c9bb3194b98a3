#!/usr/bin/env bash
# Installs the independent decoders the conversion tests compare with, once each (a stamp
# records what was installed):
# - target/reference-venv: a recent libheif (pillow-heif from PyPI, pinned in requirements.txt);
# - target/reference-node: a gain-map JPEG reader (npm @monogrid/gainmap-js, pinned in
#   package-lock.json).
set -euo pipefail
cd "$(dirname "$0")/../.."

venv=target/reference-venv
if ! { [ -x "$venv/bin/python" ] && cmp -s tests/reference/requirements.txt "$venv/.requirements"; }; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/reference/requirements.txt
  cp tests/reference/requirements.txt "$venv/.requirements"
fi

node=target/reference-node
if ! { [ -d "$node/node_modules" ] && cmp -s tests/reference/package-lock.json "$node/package-lock.json"; }; then
  rm -rf "$node"
  mkdir -p "$node"
  cp tests/reference/package.json tests/reference/package-lock.json "$node/"
  (cd "$node" && npm ci --no-audit --no-fund --loglevel=error)
fi
