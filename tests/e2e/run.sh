#!/bin/bash
# End to end against a real systemd: boot Debian 12 in systemd-nspawn, install mashd's release
# build and units into it, and let tests/e2e/inside.sh drive systemctl, socket activation,
# reloads, restarts under load and journalctl from inside. The Debian tree is built once with
# debootstrap from the machine's own apt mirror and cached.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

if [ "$(id -u)" != 0 ]; then echo "e2e: needs root (debootstrap, systemd-nspawn)"; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
for p in debootstrap systemd-container; do
  dpkg -s $p >/dev/null 2>&1 || apt-get install -y $p >/dev/null || { apt-get update >/dev/null && apt-get install -y $p >/dev/null; }
done

cache=${MASHD_E2E_CACHE:-/var/cache/mashd-e2e}
base=$cache/bookworm
mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
if [ ! -f "$base/.complete" ]; then
  echo "e2e: building the Debian 12 tree in $base from $mirror (once)"
  rm -rf "$base"
  mkdir -p "$cache"
  debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,socat,libsqlite3-0,passwd,util-linux \
    bookworm "$base" "$mirror" > "$cache/debootstrap.log" 2>&1 || { tail -20 "$cache/debootstrap.log"; exit 1; }
  touch "$base/.complete"
fi

work=$(mktemp -d /var/tmp/mashd-e2e.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -a "$base" "$work/tree"
tree=$work/tree

# The release build, installed as a package would be.
[ -x .build/release/mashd ] || make release-static
make -s install DESTDIR="$tree" PREFIX=/usr > /dev/null
install -m 0755 tests/e2e/inside.sh "$tree/usr/local/sbin/mashd-e2e"
cat > "$tree/etc/systemd/system/mashd-e2e.service" <<'UNIT'
[Unit]
Description=mashd end-to-end test
After=multi-user.target systemd-sysusers.service systemd-tmpfiles-setup.service
[Service]
Type=oneshot
ExecStart=/usr/local/sbin/mashd-e2e
ExecStopPost=/usr/bin/systemctl --no-block poweroff
[Install]
WantedBy=multi-user.target
UNIT
ln -sf /etc/systemd/system/mashd-e2e.service "$tree/etc/systemd/system/multi-user.target.wants/mashd-e2e.service"
echo "mashd-e2e" > "$tree/etc/hostname"

echo "e2e: booting systemd in systemd-nspawn"
timeout 600 systemd-nspawn --quiet --register=no --keep-unit --resolv-conf=off --timezone=off -b -D "$tree" \
  > "$work/boot.log" 2>&1 || true
if [ ! -f "$tree/e2e.log" ]; then
  echo "e2e: the test did not run; the boot log says:"
  tail -40 "$work/boot.log"
  exit 1
fi
cp "$tree/e2e.log" "$cache/last-e2e.log"
cat "$tree/e2e.log"
grep -q '^RESULT 0$' "$tree/e2e.log"
