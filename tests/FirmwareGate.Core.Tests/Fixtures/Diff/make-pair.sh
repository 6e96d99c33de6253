#!/usr/bin/env bash
# Builds sysupgrade-armhf-v2.zip, the "after" half of a real before/after pair, from the corpus image
# sysupgrade-armhf.zip (the "before"): the same ZIP layout, SquashFS (lz4) root and ext4 data image, with
#   - busybox upgraded: /bin/busybox replaced by the newer Debian busybox-static armhf binary (trixie);
#     when no Debian mirror answers, the version string the inventory reads is patched instead (said so),
#   - dropbear removed: every file of dropbear-bin (dbclient, dropbearconvert, dropbearkey, the lib link, the daemon),
#   - a private key added: an unencrypted RSA key at /etc/ssl/private/server.key.
# Run as root (unsquashfs keeps device nodes, owners and xattrs only then). Installs squashfs-tools, openssl,
# python3 and dpkg with apt-get when missing. Usage: make-pair.sh [CORPUS_ZIP] [OUTPUT_ZIP]
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
source_zip="${1:-${FIRMWAREGATE_CORPUS:-$here/../../../../../shared/corpus}/sysupgrade-armhf.zip}"
output_zip="${2:-$here/sysupgrade-armhf-v2.zip}"
# The corpus was built with this epoch (corpus/build/build.py); the new image keeps it so it stays reproducible.
epoch="${SOURCE_DATE_EPOCH:-1700000000}"
busybox_package="busybox-static"

need() { command -v "$1" >/dev/null 2>&1; }

install_missing() {
  local packages=()
  need unsquashfs && need mksquashfs || packages+=(squashfs-tools)
  need openssl || packages+=(openssl)
  need python3 || packages+=(python3)
  need dpkg-deb || packages+=(dpkg)
  if ((${#packages[@]} > 0)); then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}"
  fi
  mksquashfs -help 2>&1 | grep -qw lz4 || { echo "mksquashfs has no lz4 compressor" >&2; exit 1; }
}

[[ -f "$source_zip" ]] || { echo "corpus image not found: $source_zip" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || { echo "run as root: the root filesystem holds device nodes and xattrs" >&2; exit 1; }
install_missing

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

python3 - "$source_zip" "$work/in" <<'PY'
import sys, zipfile
zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])
PY

root="$work/root"
unsquashfs -q -n -d "$root" "$work/in/sysupgrade/root.squashfs" >/dev/null

# A private apt configuration for armhf and trixie: the host's own apt state and architectures stay untouched.
download_busybox() {
  local apt="$work/apt"
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/deb"
  cat >"$apt/sources.list" <<'EOF'
deb [arch=armhf signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main
EOF
  local options=(-o APT::Sandbox::User=root -o APT::Architecture=armhf -o APT::Architectures::=armhf
    -o Dir::Etc::sourcelist="$apt/sources.list" -o Dir::Etc::sourceparts=-
    -o Dir::State::lists="$apt/lists" -o Dir::Cache="$apt/cache" -o Dir::State::status=/dev/null)
  apt-get "${options[@]}" update -qq >/dev/null 2>&1 || return 1
  apt-cache "${options[@]}" policy "$busybox_package" >&2 || return 1
  (cd "$apt/deb" && apt-get "${options[@]}" download -qq "$busybox_package" >/dev/null 2>&1) || return 1
  local deb
  deb="$(ls "$apt/deb"/*.deb 2>/dev/null | head -n 1)"
  [[ -n "$deb" ]] || return 1
  dpkg-deb -x "$deb" "$apt/x"
  # trixie ships it under /usr/bin (merged /usr); the image keeps it at /bin/busybox, where its links point.
  local binary
  for binary in "$apt/x/usr/bin/busybox" "$apt/x/bin/busybox" ""; do
    [[ -f "$binary" ]] && break
  done
  [[ -n "$binary" ]] || return 1
  echo "busybox from $(basename "$deb")" >&2
  install -m 0755 "$binary" "$root/bin/busybox"
  install -m 0644 "$apt/x/usr/share/initramfs-tools/conf-hooks.d/busybox" "$root/usr/share/initramfs-tools/conf-hooks.d/busybox"
  install -m 0755 "$apt/x/usr/share/initramfs-tools/hooks/zz-busybox" "$root/usr/share/initramfs-tools/hooks/zz-busybox"
}

# Fallback: same length, so the binary stays valid; the inventory reads the "BusyBox v" banner.
patch_busybox_version() {
  echo "no Debian mirror answered: patching the busybox version string 1.35.0 -> 1.36.1" >&2
  python3 - "$root/bin/busybox" <<'PY'
import sys
p = sys.argv[1]
data = open(p, "rb").read()
new = data.replace(b"BusyBox v1.35.0", b"BusyBox v1.36.1").replace(b"1.35.0-4+deb12u1", b"1.36.1-9+deb13u1")
assert new != data, "version string not found"
open(p, "wb").write(new)
PY
}

download_busybox || patch_busybox_version

rm -f "$root/usr/bin/dbclient" "$root/usr/bin/dropbearconvert" "$root/usr/bin/dropbearkey" \
  "$root/usr/lib/dropbear/dropbearconvert" "$root/usr/sbin/dropbear"
rmdir "$root/usr/lib/dropbear"

mkdir -p "$root/etc/ssl/private"
chmod 0755 "$root/etc/ssl"
chmod 0700 "$root/etc/ssl/private"
openssl genrsa -traditional -out "$root/etc/ssl/private/server.key" 2048 2>/dev/null
chmod 0600 "$root/etc/ssl/private/server.key"

find "$root" -exec touch -h -d "@$epoch" {} +
mksquashfs "$root" "$work/root.squashfs" -noappend -comp lz4 -all-root -mkfs-time "$epoch" -all-time "$epoch" \
  -quiet -no-progress -processors 2 >/dev/null

python3 - "$work/in/sysupgrade" "$work/root.squashfs" "$output_zip" <<'PY'
import sys, zipfile
src, squashfs, out = sys.argv[1:4]
members = [("sysupgrade/VERSION", f"{src}/VERSION"), ("sysupgrade/root.squashfs", squashfs), ("sysupgrade/data.ext4", f"{src}/data.ext4")]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for name, path in members:
        info = zipfile.ZipInfo(name, date_time=(2023, 11, 14, 22, 13, 20))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, open(path, "rb").read())
PY
echo "wrote $output_zip ($(stat -c %s "$output_zip") bytes)" >&2
