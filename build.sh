#!/usr/bin/env bash
# photolift's one entry point.
#   ./build.sh          build the extension into dist/chrome (and dist/firefox) and the native CLI
#   ./build.sh test     build, then run every test: Rust (native) and the browser tests
#   ./build.sh demo     build, then start the iCloud stand-in and a Chromium with the extension
#   ./build.sh demo --screenshots DIR   build, then write pictures of the panel in each state into DIR
#   ./build.sh bench    build, then print the benchmark tables
#   ./build.sh package  build, then write the store packages (dist/photolift-{chrome,firefox,source}-<version>.zip)
# On a fresh machine it installs what the build needs that the project can install itself: the
# wasm32 target, wasm-bindgen-cli at the Cargo.lock version, and the npm packages of package-lock.json.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
# Where cargo builds (CARGO_TARGET_DIR when set, as cargo itself reads it).
TARGET_DIR=${CARGO_TARGET_DIR:-target}

# Each step says when it began (minutes:seconds since the start): where a slow run spends its time.
log() { printf '\033[1m==> [%d:%02d] %s\033[0m\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*" >&2; }

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
  local out=dist/chrome/pkg
  rm -rf "$out" && mkdir -p "$out"
  # Three modules from one crate (Cargo features, see Cargo.toml): pkg/panel.js for the panel page,
  # pkg/worker.js for the conversion workers, pkg/codecs.js for the TIFF, WebP, GIF and BMP decoders
  # (a worker loads it when such a file arrives).
  local module
  for module in panel worker codecs; do
    log "building the WebAssembly $module module"
    cargo build --lib --release --target wasm32-unknown-unknown --no-default-features --features "$module"
    wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name "$module" \
      "$TARGET_DIR/wasm32-unknown-unknown/release/photolift.wasm"
    # npm's binaryen: Debian's wasm-opt (108) corrupts wasm-bindgen output (measured: the module fails at init).
    node_modules/.bin/wasm-opt -O3 --enable-bulk-memory --enable-nontrapping-float-to-int \
      --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-simd \
      "$out/${module}_bg.wasm" -o "$out/${module}_bg.wasm"
    log "pkg/${module}_bg.wasm: $(wc -c < "$out/${module}_bg.wasm") bytes ($(gzip -9 < "$out/${module}_bg.wasm" | wc -c) gzip -9)"
  done
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
  # Per-browser manifests are data: Firefox's is the base with manifest.firefox.json laid over it
  # (a background page instead of the service worker, its add-on id and minimum versions).
  node tools/manifest.mjs manifest.json manifest.firefox.json > "$firefox/manifest.json"
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

# The Debian packages the tests need: the two browsers (and Chromium's language packs: without
# them it runs in English whatever language it is asked for, and the locale tests need German and
# Chinese), and the reference tools the tests use (heif-convert, ImageMagick, exiftool, openssl for
# the stand-in's throwaway certificate).
TEST_PACKAGES="chromium chromium-l10n firefox-esr libheif-examples imagemagick libimage-exiftool-perl openssl"

ensure_test_packages() {
  local missing="" p
  for p in $TEST_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
  [ -z "$missing" ] && return
  if [ "$(id -u)" -ne 0 ]; then
    echo "The tests need Debian packages that are missing. Install them, then run ./build.sh test again:" >&2
    echo "  sudo apt-get install -y$missing" >&2
    exit 1
  fi
  log "installing the Debian packages the tests need:$missing"
  DEBIAN_FRONTEND=noninteractive apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing
}

run_tests() {
  ensure_test_packages
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
  # The patched jpeg-encoder's own unit tests, where its photolift changes are tested one by one
  # (PATCHES.md); it is not a workspace member, so it has a lock file and a target of its own.
  cargo test --manifest-path patches/jpeg-encoder/Cargo.toml --lib --target-dir target/patches
  log "running the JavaScript unit tests (protocol drift, upload tracker)"
  node --test tests/js/
  log "checking the store packages (web-ext lint, the zips' contents)"
  node tools/package.mjs
  node --test tests/package/
  log "running the browser tests in Chromium (extension loaded, iCloud stand-in)"
  PHOTOLIFT_BROWSER=chromium node --test --test-concurrency=1 tests/e2e/
  log "running the suites that run in both browsers in Firefox ESR (add-on installed, iCloud stand-in)"
  # shellcheck disable=SC2086 # a list of files
  PHOTOLIFT_BROWSER=firefox node --test --test-concurrency=1 $FIREFOX_SUITES
}

# The browser suites that run in Firefox too (the others use what only Chromium has, or show
# Chromium-only behaviour; README, "Browsers").
FIREFOX_SUITES="tests/e2e/foundation.test.mjs tests/e2e/formats.test.mjs tests/e2e/malformed.test.mjs tests/e2e/bulk.test.mjs tests/e2e/signout.test.mjs tests/e2e/resume.test.mjs tests/e2e/same-as-native.test.mjs"

demo() {
  build_all
  log "starting the iCloud stand-in with the extension"
  exec node tests/e2e/demo.mjs "$@"
}

case "${1:-build}" in
  build) build_all ;;
  test) run_tests ;;
  demo) shift; demo "$@" ;;
  bench) build_all && node tests/bench/run.mjs ;;
  package) build_extension && node tools/package.mjs ;;
  *) echo "usage: ./build.sh [build|test|demo|bench|package]" >&2; exit 2 ;;
esac
