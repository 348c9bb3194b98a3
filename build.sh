#!/usr/bin/env bash
# photolift's one entry point.
#   ./build.sh          build the extension into dist/chrome (and dist/firefox) and the native CLI
#   ./build.sh test     build, then run every test: Rust (native) and the browser tests
#   ./build.sh demo     build, then start the iCloud stand-in and a Chromium with the extension
#   ./build.sh bench    build, then print the benchmark tables
# On a fresh machine it installs what the build needs that the project can install itself: the
# wasm32 target, wasm-bindgen-cli at the Cargo.lock version, and the npm packages of package-lock.json.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
# Where cargo builds (CARGO_TARGET_DIR when set, as cargo itself reads it).
TARGET_DIR=${CARGO_TARGET_DIR:-target}

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

lock_version() { # the version of crate $1 in Cargo.lock
  awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

ensure_tools() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  [ -f Cargo.lock ] || cargo generate-lockfile
  local want have
  want=$(lock_version wasm-bindgen)
  have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
  if [ "$want" != "$have" ]; then
    # Not --locked: the registry here lacks a dependency version pinned by its lock file.
    log "installing wasm-bindgen-cli $want (found: ${have:-none})"
    cargo install wasm-bindgen-cli --version "$want" --force
  fi
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    log "installing npm packages from package-lock.json"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

build_wasm() {
  log "building the WebAssembly core"
  cargo build --lib --release --target wasm32-unknown-unknown
  local out=dist/chrome/pkg
  rm -rf "$out" && mkdir -p "$out"
  wasm-bindgen --target web --no-typescript --out-dir "$out" \
    "$TARGET_DIR/wasm32-unknown-unknown/release/photolift.wasm"
  # npm's binaryen: Debian's wasm-opt (108) corrupts wasm-bindgen output (measured: the module fails at init).
  node_modules/.bin/wasm-opt -O3 --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types \
    "$out/photolift_bg.wasm" -o "$out/photolift_bg.wasm"
}

assemble_extension() {
  log "assembling dist/chrome and dist/firefox"
  local chrome=dist/chrome firefox=dist/firefox
  find "$chrome" -mindepth 1 -maxdepth 1 ! -name pkg -exec rm -rf {} +
  cp -r extension/. "$chrome/"
  cp manifest.json "$chrome/manifest.json"
  # The page observer runs in the page's own realm: it goes there as one function with the
  # protocol names and the site adapter inside, whose `globalThis` is a private object, so the
  # page sees no global of ours.
  {
    printf '(function (globalThis) {\n"use strict";\n'
    cat extension/protocol.js extension/content/icloud.js extension/content/page-observer.js
    printf '})(Object.create(null));\n'
  } > "$chrome/content/page-observer.js"
  rm -rf "$firefox" && cp -r "$chrome" "$firefox"
  # Firefox's MV3 has no background service worker: the same script runs as a module page.
  node -e '
    const fs = require("fs");
    const m = JSON.parse(fs.readFileSync("manifest.json", "utf8"));
    m.background = { scripts: ["background.js"], type: "module" };
    delete m.minimum_chrome_version;
    m.browser_specific_settings = { gecko: { id: "photolift@photolift.app", strict_min_version: "128.0",
      data_collection_permissions: { required: ["none"] } } };
    fs.writeFileSync(process.argv[1], JSON.stringify(m, null, 2) + "\n");
  ' "$firefox/manifest.json"
}

build_all() {
  build_extension
  log "building the native CLI ($TARGET_DIR/release/photolift)"
  cargo build --release --bin photolift
}

build_extension() {
  ensure_tools
  build_wasm
  assemble_extension
}

run_tests() {
  build_extension
  log "checking format and lints"
  cargo fmt --check
  cargo clippy --all-targets -- -D warnings
  cargo clippy --lib --target wasm32-unknown-unknown -- -D warnings
  log "installing the reference decoders for the tests (pillow-heif, gainmap-js: tests/reference)"
  tests/reference/install.sh
  log "running the Rust tests"
  # The dev profile (dependencies optimised, see Cargo.toml): a release build links every test
  # binary with LTO, which costs more than the tests themselves.
  cargo test
  log "running the JavaScript unit tests (protocol drift, upload tracker)"
  node --test tests/js/
  log "running the browser tests (Chromium, extension loaded, iCloud stand-in)"
  node --test --test-concurrency=1 tests/e2e/
}

demo() {
  build_all
  log "starting the iCloud stand-in with the extension"
  exec node tests/e2e/demo.mjs
}

case "${1:-build}" in
  build) build_all ;;
  test) run_tests ;;
  demo) demo ;;
  bench) build_all && node tests/bench/run.mjs ;;
  *) echo "usage: ./build.sh [build|test|demo|bench]" >&2; exit 2 ;;
esac
