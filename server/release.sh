#!/usr/bin/env bash
# The release artifacts, by one command, into target/dist/ (docs/release.md says what each is,
# how it is checked, and what a run took):
#   - the iam-lsp binary for Linux x86_64 and aarch64 (static, musl) and Windows x86_64 (MinGW),
#     and for macOS when run on a Mac (Apple's SDK is not on Linux), each with a .sha256 file;
#   - the VS Code extension: one .vsix per platform with that platform's server inside, and a
#     universal one without a server;
#   - the crates.io packages of iam-analysis and iam-lsp (`cargo package`, verified by building
#     them), and `cargo install` of the packaged iam-lsp into a temporary root;
#   - the web playground (editors/web/build.sh), checked by its browser test when Chromium is here.
# Every binary this machine can run is run on the README's sample and must print the README's
# demo. Installs what it lacks (rustup targets, Debian's cross linker, qemu). Needs a committed
# tree: the packages are made from what git has.
#
#   bash server/release.sh
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
dist="$repo/target/dist"
SECONDS=0
section() { printf '\n=== release: %s (at %ss)\n' "$*" "$SECONDS"; }
skipped=()

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
sample=tests/fixtures/bedrock/chatbot-agent-policy.json
# What `iam-lsp check` prints on the sample: the README's demo block, without its `$ ` line.
expected=$(awk '/^## What you get/ { s = 1; next } s && /^```/ { if (b) exit; b = 1; next } b && !/^\$ /' README.md)

# Runs `iam-lsp check` on the sample with the given command (the binary, or qemu and the
# binary) and compares what it prints, and its exit code (1: the sample has errors), with the demo.
prints_the_demo() {
  local printed status=0
  printed=$("$@" check "$sample" 2>&1) || status=$?
  if [ "$status" -ne 1 ] || [ "$printed" != "$expected" ]; then
    echo "release: \`$* check $sample\` exited $status and printed:" >&2
    diff <(echo "$expected") <(echo "$printed") >&2 || true
    exit 1
  fi
  echo "ok: \`$* check $sample\` prints the README's demo"
}

section "tools"
rustup target add x86_64-unknown-linux-musl aarch64-unknown-linux-musl x86_64-pc-windows-gnu
# MinGW links the Windows binary; qemu runs the aarch64 one. The aarch64 binary is linked by
# rust-lld (shipped with rustup) with the musl start files that come with the target.
debian=(gcc-mingw-w64-x86-64 qemu-user-static)
missing=()
for p in "${debian[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

rm -rf "$dist"
mkdir -p "$dist"

# build TARGET: the release iam-lsp for TARGET, copied to target/dist/ with its checksum.
build() {
  local target=$1 exe=iam-lsp
  [[ $target == *windows* ]] && exe=iam-lsp.exe
  section "iam-lsp for $target"
  cargo build --release --locked -p iam-lsp --target "$target"
  local name="iam-lsp-$version-$target${exe#iam-lsp}"
  cp "target/$target/release/$exe" "$dist/$name"
  (cd "$dist" && sha256sum "$name" >"$name.sha256")
  file "$dist/$name"
}

export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER=rust-lld
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_RUSTFLAGS="-C linker-flavor=ld.lld"
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc

build x86_64-unknown-linux-musl
linux_x64="$dist/iam-lsp-$version-x86_64-unknown-linux-musl"
# Static (a static PIE, by default): no interpreter, no libraries for the loader to find.
file "$linux_x64" | grep -Eq 'static(-pie|ally) linked' || { echo "release: $linux_x64 is not static" >&2; exit 1; }
ldd "$linux_x64" 2>&1 | grep -Eq 'statically linked|not a dynamic executable' || { echo "release: ldd finds libraries in $linux_x64" >&2; exit 1; }
prints_the_demo "$linux_x64"

build aarch64-unknown-linux-musl
linux_arm64="$dist/iam-lsp-$version-aarch64-unknown-linux-musl"
file "$linux_arm64" | grep -Eq 'ARM aarch64.*static(-pie|ally) linked' || { echo "release: $linux_arm64 is not a static aarch64 binary" >&2; exit 1; }
prints_the_demo qemu-aarch64-static "$linux_arm64"

build x86_64-pc-windows-gnu
win32_x64="$dist/iam-lsp-$version-x86_64-pc-windows-gnu.exe"
file "$win32_x64" | grep -q 'PE32+ executable (console) x86-64' || { echo "release: $win32_x64 is not a 64-bit Windows program" >&2; exit 1; }
# It needs only DLLs that come with Windows (MinGW's libgcc and winpthread are linked in).
dlls=$(x86_64-w64-mingw32-objdump -p "$win32_x64" | sed -n 's/^\tDLL Name: //p')
echo "imports: $(echo $dlls)"
if grep -Eiv '^(kernel32|ntdll|msvcrt|bcryptprimitives|api-ms-win-[a-z0-9-]+)\.dll$' <<<"$dlls"; then
  echo "release: $win32_x64 needs the DLLs above, which Windows does not have" >&2
  exit 1
fi
if command -v wine >/dev/null; then
  prints_the_demo wine "$win32_x64"
else
  skipped+=("running the Windows binary (no wine here; it is only checked to be a PE32+ x86-64 program)")
fi

# macOS: the same targets build on a Mac, which has Apple's SDK and linker; on Linux they are
# only configured (the SDK cannot be redistributed, so there is no cross linker to install).
darwin=()
if [ "$(uname -s)" = Darwin ]; then
  rustup target add x86_64-apple-darwin aarch64-apple-darwin
  for target in x86_64-apple-darwin aarch64-apple-darwin; do
    build "$target"
    darwin+=("$target")
  done
  prints_the_demo "$dist/iam-lsp-$version-$(uname -m | sed 's/arm64/aarch64/')-apple-darwin"
else
  skipped+=("macOS binaries and .vsix files (x86_64-apple-darwin, aarch64-apple-darwin): no macOS SDK on $(uname -s); the same command builds them on a Mac")
fi

section "VS Code extension: one .vsix per platform, and the universal one"
cd "$repo/editors/vscode"
[ -d node_modules ] || npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
# package PLATFORM BINARY: the .vsix for PLATFORM with BINARY as its server, checked and copied.
package() {
  local platform=$1 binary=$2 vsix="dist/iam-lsp-$1-$version.vsix"
  node scripts/package.mjs --target "$platform" --binary "$binary"
  node scripts/vsix.mjs "$vsix" --expect "$platform" --binary "$binary"
  cp "$vsix" "$dist/"
}
# The musl binaries are static: the same one serves glibc distributions and Alpine.
package linux-x64 "$linux_x64"
package alpine-x64 "$linux_x64"
package linux-arm64 "$linux_arm64"
package alpine-arm64 "$linux_arm64"
package win32-x64 "$win32_x64"
for target in "${darwin[@]}"; do
  package "darwin-$(echo "$target" | sed 's/^x86_64-.*/x64/; s/^aarch64-.*/arm64/')" "$dist/iam-lsp-$version-$target"
done
node scripts/package.mjs --universal
node scripts/vsix.mjs "dist/iam-lsp-$version.vsix" --expect universal
cp "dist/iam-lsp-$version.vsix" "$dist/"
rm -rf server
cd "$repo"
(cd "$dist" && for vsix in *.vsix; do sha256sum "$vsix" >"$vsix.sha256"; done)

section "crates.io packages: cargo package (builds them from the packaged sources)"
cargo package -p iam-analysis -p iam-lsp --locked
for crate in iam-analysis iam-lsp; do
  cp "target/package/$crate-$version.crate" "$dist/"
done
analysis_files=$(tar tzf "$dist/iam-analysis-$version.crate")
for f in build.rs catalog/catalog.bin.gz knowledge/api-names.json knowledge/cross-region-inference.json; do
  grep -qx "iam-analysis-$version/$f" <<<"$analysis_files" ||
    { echo "release: the iam-analysis package has no $f" >&2; exit 1; }
done

section "cargo install of the packaged iam-lsp"
# As from crates.io, offline: a directory source stands in for the registry, with the
# workspace's dependencies (`cargo vendor`) and the packaged iam-analysis, whose checksum must be
# the one in the packaged iam-lsp's Cargo.lock (--locked).
# Unpacked outside the checkout (cargo would take the packages for members of its workspace);
# the build directory stays in target/, for the next run.
install=$(mktemp -d)
trap 'rm -rf "$install"' EXIT
cargo vendor --locked --quiet "$install/vendor" >/dev/null
mkdir "$install/src"
for crate in iam-analysis iam-lsp; do
  tar xzf "$dist/$crate-$version.crate" -C "$install/src"
done
cp -r "$install/src/iam-analysis-$version" "$install/vendor/iam-analysis"
checksum=$(sha256sum "$dist/iam-analysis-$version.crate" | cut -d' ' -f1)
echo "{\"files\": {}, \"package\": \"$checksum\"}" >"$install/vendor/iam-analysis/.cargo-checksum.json"
(cd "$install/src/iam-lsp-$version" && cargo install --locked --offline --path . --root "$install/root" \
  --target-dir "$repo/target/release-install" \
  --config 'source.crates-io.replace-with="release-vendor"' \
  --config "source.release-vendor.directory=\"$install/vendor\"")
"$install/root/bin/iam-lsp" --version
prints_the_demo "$install/root/bin/iam-lsp"

section "web playground"
if [ -f editors/web/build.sh ]; then
  bash editors/web/build.sh
  if [ -d editors/web/dist ]; then
    cp -r editors/web/dist "$dist/playground"
    # The shipped copy, in a browser: the end-to-end test editors/ci.sh runs, on this folder.
    if [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
      timeout 300 node editors/web/test/e2e.mjs --site "$dist/playground" --out "$repo/target/release-playground-e2e"
    else
      skipped+=("the playground's browser test: no Chromium (editors/ci.sh installs Debian's)")
    fi
  else
    skipped+=("copying the playground: editors/web/build.sh wrote no editors/web/dist/")
  fi
else
  skipped+=("the web playground: there is no editors/web/build.sh in this checkout")
fi

section "done in ${SECONDS}s"
(cd "$dist" && ls -l)
for s in "${skipped[@]}"; do echo "skipped: $s"; done
