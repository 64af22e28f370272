#!/usr/bin/env bash
# packages.sh: the Debian programs some tests run. The config tier: nginx, php-fpm and the PHP
# CLI (8.2, Debian 12) with its MySQL driver, varnish, redis-server (standing in for Valkey),
# MariaDB (the store's database for the install test), tini (the containers' PID 1), the
# namespace tools (iproute2, util-linux) and wrk for the load figures; the real node
# (scripts/node.sh): containerd, runc, the CNI plugins, iptables, conntrack, curl, and
# debootstrap for its images (scripts/images.sh); the static tier: yamllint for chart-testing's
# lint, shellcheck for the charts' shell programs. Installs only what is missing, with apt-get (as root,
# or through sudo); services are not started (the tests start their own processes on loopback).
# A second run takes well under a second.
#
# Usage: scripts/packages.sh
set -euo pipefail

declare -A want=(
  [nginx]=nginx
  [php-fpm8.2]=php8.2-fpm
  [php8.2]=php8.2-cli
  [mariadbd]=mariadb-server
  [containerd]=containerd
  [runc]=runc
  [iptables]=iptables
  [conntrack]=conntrack
  [debootstrap]=debootstrap
  [curl]=curl
  [tini]=tini
  [wrk]=wrk
  [redis-server]=redis-server
  [varnishd]=varnish
  [yamllint]=yamllint
  [shellcheck]=shellcheck
  [ip]=iproute2
  [setpriv]=util-linux
)
# Packages that bring no command: a file of theirs tells.
declare -A want_file=(
  [/etc/php/8.2/mods-available/pdo_mysql.ini]=php8.2-mysql
  # simplexml: the magento1 chart's local.xml renderer and health check, as OpenMage itself needs it.
  [/etc/php/8.2/mods-available/simplexml.ini]=php8.2-xml
  [/usr/lib/cni/bridge]=containernetworking-plugins
)
missing=()
for cmd in "${!want[@]}"; do
  if ! command -v "$cmd" >/dev/null && [ ! -x "/usr/sbin/$cmd" ]; then
    missing+=("${want[$cmd]}")
  fi
done
for file in "${!want_file[@]}"; do
  [ -e "$file" ] || missing+=("${want_file[$file]}")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "packages: ${!want[*]} present"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null; then
  sudo=(sudo)
else
  echo "packages: missing ${missing[*]}; install them as root: apt-get install ${missing[*]}" >&2
  exit 1
fi
command -v apt-get >/dev/null || {
  echo "packages: missing ${missing[*]} and no apt-get here; install them with your package manager" >&2
  exit 1
}

start=$SECONDS
export DEBIAN_FRONTEND=noninteractive
# Do not let the packages' maintainer scripts start nginx or php-fpm as services.
policy=/usr/sbin/policy-rc.d
own_policy=false
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
  "${sudo[@]}" chmod 755 "$policy"
  own_policy=true
fi
trap '$own_policy && "${sudo[@]}" rm -f "$policy"' EXIT
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "packages: installed ${missing[*]} in $((SECONDS - start))s"
