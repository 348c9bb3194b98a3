#!/usr/bin/env bash
# Installs the recent libheif the HEIC tests compare with (pillow-heif from PyPI, pinned in
# requirements.txt) into target/reference-venv, once: a stamp records the requirements installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=target/reference-venv
stamp=$venv/.requirements
if [ -x "$venv/bin/python" ] && cmp -s tests/reference/requirements.txt "$stamp"; then
  exit 0
fi
rm -rf "$venv"
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/reference/requirements.txt
cp tests/reference/requirements.txt "$stamp"
