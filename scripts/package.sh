#!/usr/bin/env bash
# Builds the installers, offline (only the crates and npm registries the set-up already used):
#   bash scripts/package.sh [--debug] [--out DIR]
# - the desktop app as .deb and .rpm, with the Tauri CLI from ui/node_modules
#   (`tauri build --bundles deb,rpm`). No AppImage: its bundler downloads linuxdeploy and its
#   plugins from GitHub, which this build must not depend on.
# - the server as a .deb with a systemd unit (packaging/server), built with dpkg-deb.
# --debug packages the debug build the test suite makes (`cargo test --workspace
# --all-targets --no-run`, a no-op when test.sh has just run it: the same features, so
# nothing is compiled again) with `tauri bundle`; this is what CI smoke-tests. The default
# is a release build.
# The packages land in DIR (default target/packages).
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT"

profile=release
out="$ROOT/target/packages"
while (($#)); do
  case $1 in
    --debug) profile=debug ;;
    --out) out=$2; shift ;;
    *) die "unknown option $1 (use --debug, --out DIR)" ;;
  esac
  shift
done
mkdir -p "$out"
version=$(sed -n '/^\[workspace.package\]/,/^\[/s/^version = "\(.*\)"/\1/p' Cargo.toml)
[[ -n "$version" ]] || die "no version in Cargo.toml's [workspace.package]"
arch=$(dpkg --print-architecture)
tauri="$ROOT/ui/node_modules/.bin/tauri"
[[ -x "$tauri" ]] || die "the Tauri CLI is missing: run bash scripts/setup.sh first"
[[ -f ui/dist/index.html ]] || die "ui/dist is missing: run bash scripts/setup.sh first"
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')

step "Desktop app: .deb and .rpm ($profile)"
if [[ $profile == debug ]]; then
  cargo test --workspace --all-targets --no-run
  "$tauri" bundle --debug --bundles deb,rpm
else
  "$tauri" build --bundles deb,rpm
fi
bundle="$target_dir/$profile/bundle"
cp "$bundle/deb/Household Services_${version}_${arch}.deb" "$out/household-services_${version}_${arch}.deb"
cp "$bundle/rpm/Household Services-${version}-1.x86_64.rpm" "$out/household-services-${version}-1.x86_64.rpm"

step "Server: .deb with a systemd unit ($profile)"
# (The debug binary came out of the test build above.)
if [[ $profile == release ]]; then cargo build --release -p household-server; fi
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
pkg="$stage/household-server"
install -D -m 0755 "$target_dir/$profile/household-server" "$pkg/usr/bin/household-server"
install -D -m 0644 packaging/server/household-server.service "$pkg/lib/systemd/system/household-server.service"
install -D -m 0640 packaging/server/server.toml "$pkg/etc/household-server/server.toml"
install -D -m 0644 README.md "$pkg/usr/share/doc/household-server/README"
install -d "$pkg/DEBIAN"
for script in postinst prerm postrm; do
  install -m 0755 "packaging/server/$script" "$pkg/DEBIAN/$script"
done
echo "/etc/household-server/server.toml" >"$pkg/DEBIAN/conffiles"
cat >"$pkg/DEBIAN/control" <<CONTROL
Package: household-server
Version: $version
Architecture: $arch
Maintainer: Household Services <maintainers@household-services.invalid>
Depends: libc6 (>= 2.31), adduser
Section: net
Priority: optional
Installed-Size: $(du -sk "$pkg" | cut -f1)
Description: Household Services server
 One business's database (embedded SQLite, or PostgreSQL), its HTTPS API for the
 desktops, live updates and background work (email, reports, backups). Runs as the
 household-server system user; data in /var/lib/household-server, configuration in
 /etc/household-server/server.toml, logs in journald.
CONTROL
dpkg-deb --build --root-owner-group "$pkg" "$out/household-server_${version}_${arch}.deb" >/dev/null

step "Packages in $out"
ls -l "$out" | sed 's/^/    /'
