#!/usr/bin/env bash
# Builds samples/router-sample.trx: a small Broadcom TRX v1 router image made from real Debian 12
# binaries (amd64): a U-Boot uImage whose gzip payload stands in for a kernel (it carries a Debian
# kernel banner), and a SquashFS (xz) root with busybox, dropbear and zlib, an opkg database and
# OpenWrt-style release files, plus a few weaknesses for the checks (a default root password,
# telnetd at boot, root password login over SSH, a self-signed web certificate and its key).
# Needs: apt-get download access, dpkg-deb, mksquashfs (squashfs-tools), mkimage (u-boot-tools),
# openssl, python3.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get download busybox-static=1:1.35.0-4+deb12u1+b1 dropbear-bin=2022.83-1+deb12u3 zlib1g=1:1.2.13.dfsg-1 >/dev/null 2>&1)
for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$work/pkgs"; done

root="$work/root"
mkdir -p "$root"/{bin,sbin,etc,lib,tmp,usr/bin,usr/sbin,usr/lib/opkg/info,var}
cp "$work/pkgs/bin/busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
cp "$work/pkgs/usr/sbin/dropbear" "$root/usr/sbin/dropbear"
cp "$work/pkgs/usr/bin/dbclient" "$root/usr/bin/dbclient"
cp "$work/pkgs/lib/x86_64-linux-gnu/libz.so.1.2.13" "$root/lib/libz.so.1.2.13"
ln -s libz.so.1.2.13 "$root/lib/libz.so.1"
printf "DISTRIB_ID='OpenWrt'\nDISTRIB_RELEASE='23.05.2'\nDISTRIB_REVISION='r23630-842932a63d'\nDISTRIB_TARGET='x86/64'\nDISTRIB_ARCH='x86_64'\nDISTRIB_DESCRIPTION='OpenWrt 23.05.2 r23630-842932a63d'\n" > "$root/etc/openwrt_release"
echo "r23630-842932a63d" > "$root/etc/openwrt_version"
echo "router" > "$root/etc/hostname"
printf "root:x:0:0:root:/root:/bin/sh\n" > "$root/etc/passwd"
# What the security checks should flag: a default root password (md5crypt of "admin"), telnetd started
# at boot, root password login over SSH, and the web UI's self-signed certificate with its unencrypted key.
printf "root:%s:19675:0:99999:7:::\n" "$(openssl passwd -1 -salt Fg7sampl admin)" > "$root/etc/shadow"
chmod 600 "$root/etc/shadow"
printf "::sysinit:/etc/init.d/rcS\n::respawn:/usr/sbin/telnetd -F -l /bin/login\n::askfirst:-/bin/sh\n" > "$root/etc/inittab"
mkdir -p "$root/etc/config"
printf "config dropbear\n\toption PasswordAuth 'on'\n\toption RootPasswordAuth 'on'\n\toption Port '22'\n" > "$root/etc/config/dropbear"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$root/etc/uhttpd.key" -out "$root/etc/uhttpd.crt" \
  -subj "/CN=OpenWrt" -days 3650 -addext "extendedKeyUsage=serverAuth" 2>/dev/null
status="$root/usr/lib/opkg/status"
: > "$status"
for entry in "busybox 1.35.0-4+deb12u1+b1 GPL-2.0-only /bin/busybox /bin/sh" \
             "dropbear-bin 2022.83-1+deb12u3 MIT /usr/sbin/dropbear /usr/bin/dbclient" \
             "zlib1g 1.2.13.dfsg-1 Zlib /lib/libz.so.1.2.13 /lib/libz.so.1"; do
  set -- $entry
  printf "Package: %s\nVersion: %s\nDepends: libc\nStatus: install user installed\nArchitecture: x86_64\nInstalled-Time: 1700000000\n\n" "$1" "$2" >> "$status"
  printf "Package: %s\nVersion: %s\nLicense: %s\nArchitecture: x86_64\n" "$1" "$2" "$3" > "$root/usr/lib/opkg/info/$1.control"
  printf "%s\n" "${@:4}" > "$root/usr/lib/opkg/info/$1.list"
done
find "$root" -exec touch -h -d @1700000000 {} +
mksquashfs "$root" "$work/root.sqfs" -comp xz -all-root -noappend -no-progress -quiet -mkfs-time 1700000000 >/dev/null

python3 - "$work/kernel.gz" <<'PY'
import gzip, random, sys
r = random.Random(7)
banner = b"Linux version 6.1.0-50-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.176-1 (2026-06-20)\n"
body = bytes(r.randrange(256) for _ in range(8192)) + b"\0" * 64 + banner + b"\0" * 64 + bytes(r.randrange(256) for _ in range(8192))
open(sys.argv[1], "wb").write(gzip.compress(body, 9, mtime=0))
PY
SOURCE_DATE_EPOCH=1700000000 mkimage -A x86_64 -O linux -T kernel -C gzip -a 0x1000000 -e 0x1000000 -n "Linux-6.1.0-50-amd64" -d "$work/kernel.gz" "$work/kernel.uimage" >/dev/null

python3 - "$work/kernel.uimage" "$work/root.sqfs" router-sample.trx <<'PY'
import struct, sys, zlib
parts = [open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()]
offs, body, pos = [], b"", 28
for p in parts:
    pad = (-pos) % 4
    body += b"\0" * pad; pos += pad
    offs.append(pos); body += p; pos += len(p)
rest = struct.pack("<I", 1 << 16) + struct.pack("<3I", *(offs + [0])) + body
crc = zlib.crc32(rest) ^ 0xFFFFFFFF  # TRX stores the CRC without the final inversion
open(sys.argv[3], "wb").write(b"HDR0" + struct.pack("<II", 28 + len(body), crc) + rest)
PY
ls -l router-sample.trx
