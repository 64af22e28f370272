#!/usr/bin/env bash
# images.sh: the container images of a real (kubelet + containerd) node, built
# here from Debian packages and imported straight into containerd's k8s.io
# namespace: this machine has neither a Docker engine nor a registry, but it
# reaches Debian's mirror, so every image is a Debian bookworm root filesystem
# (debootstrap --variant=minbase, then apt-get in a chroot) packed by hand as a
# docker-archive tar (one layer) and fed to `ctr images import`.
#
#   app      php8.2-fpm php8.2-cli php8.2-mysql nginx tini ca-certificates, and
#            a Magento tree ($APP_TREE) at /var/www/html, owned by root
#   openmage the app's packages and php8.2-xml (OpenMage parses local.xml with
#            SimpleXML), an OpenMage tree ($OPENMAGE_TREE) at /var/www/html
#   nginx    nginx tini                  (the chart's copy/image-volume modes)
#   redis    redis-server redis-tools tini  (stands in for Valkey)
#   varnish  varnish tini                (with the C compiler varnishd needs)
#   mariadb  mariadb-server tini
#   pause    only /pause: the pod sandbox, a static C program built here
#   exporter only nginx-prometheus-exporter and redis_exporter (metrics sidecars), the
#            binary scripts/build-tools.sh builds from its Go module
#
# Every Debian image has tini at /usr/bin/tini, /bin/sh and www-data as UID/GID
# 33 (the charts' runAsUser); none has an entrypoint (the charts set commands).
# References are localhost/magento-k8s/<name>:<tag>, <tag> being a hash of the
# image's inputs (packages, added files, the base, this script's build
# functions), so an unchanged image is neither rebuilt nor re-imported; the
# packages' versions are not an input: delete $CACHE/images to pick up new
# Debian updates. Cache, under $CACHE/images (CACHE=${MAGENTO_K8S_CACHE:-
# $HOME/.cache/magento-k8s}): base/<suite>-<hash>/ (the debootstrap, made once),
# <name>/<tag>.tar (the archives), logs/<name>-<tag>.log (apt's output).
#
# Usage: scripts/images.sh build [NAME...]  build what is missing (default: all)
#                                           and import what containerd lacks;
#                                           one line per image: reference, time
#        scripts/images.sh ref NAME         print the reference (builds nothing)
#        scripts/images.sh list             names, references, cache/import state
#        scripts/images.sh tar NAME         build if missing, print the archive's
#                                           path; no containerd needed
#        scripts/images.sh binary NAME /DEST=SRC [/DEST=SRC...]
#                                           an image of static binaries only
#                                           (e.g. /coredns=./coredns), entrypoint
#                                           the first DEST, tag from their content;
#                                           built and imported like the others
#
# Environment: MAGENTO_K8S_CACHE, CONTAINERD_ADDRESS (containerd's socket,
#              default /run/containerd/containerd.sock), APP_TREE (the app
#              image's Magento tree, default tests/config/testdata/app),
#              OPENMAGE_TREE (the openmage image's tree, default
#              tests/config/testdata/openmage).
# Needs root (debootstrap, chroot, mount). Installs what it lacks on the host
# with apt-get: debootstrap, gcc + libc6-dev (pause), containerd (for ctr).
set -euo pipefail

# One locale for sort, tar and awk, whatever the caller's: the tags must not
# depend on it.
export LC_ALL=C
# Files made here get the usual modes, whatever the caller's umask.
umask 022

SELF=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
REPO_DIR=$(dirname "$(dirname "$SELF")")
CACHE=${MAGENTO_K8S_CACHE:-$HOME/.cache/magento-k8s}
IMAGES_DIR=$CACHE/images
ADDRESS=${CONTAINERD_ADDRESS:-/run/containerd/containerd.sock}
NAMESPACE=k8s.io                 # the namespace the kubelet's CRI plugin reads
PREFIX=localhost/magento-k8s     # "localhost/" keeps containerd from prefixing docker.io
APP_TREE=${APP_TREE:-$REPO_DIR/tests/config/testdata/app}
OPENMAGE_TREE=${OPENMAGE_TREE:-$REPO_DIR/tests/config/testdata/openmage}

SUITE=bookworm
MIRROR=http://deb.debian.org/debian
SECURITY_MIRROR=http://deb.debian.org/debian-security
IMAGE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# -s: the symbols are of no use in a sandbox and double the size.
PAUSE_CFLAGS="-static -O2 -s -Wall -Wextra"

IMAGES=(app openmage nginx redis varnish mariadb pause exporter)
declare -A PACKAGES=(
  [app]="php8.2-fpm php8.2-cli php8.2-mysql nginx tini ca-certificates"
  [openmage]="php8.2-fpm php8.2-cli php8.2-mysql php8.2-xml nginx tini ca-certificates"
  [nginx]="nginx tini"
  [redis]="redis-server redis-tools tini"
  [varnish]="varnish tini"
  [mariadb]="mariadb-server tini"
)

log() { printf 'images: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# OCI's name for the host's architecture (debootstrap builds for the host's).
oci_arch() {
  local a
  a=$(dpkg --print-architecture)
  case $a in
    i386) echo 386 ;;
    ppc64el) echo ppc64le ;;
    armhf | armel) echo arm ;;
    *) echo "$a" ;;
  esac
}
ARCH=$(oci_arch)

sha() { sha256sum | cut -c1-16; }

# elapsed T0: seconds since T0 (an $EPOCHREALTIME), one decimal.
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1fs", b - a }'; }

size_of() {
  awk -v s="$(stat -c %s "$1")" 'BEGIN { if (s < 1048576) printf "%d KiB", s / 1024; else printf "%d MiB", s / 1048576 }'
}

# --- cleanup ----------------------------------------------------------------
# Work directories of this process; a chroot's /proc may be mounted inside, so
# unmount before removing, and never let rm cross into another file system.
WORK_DIRS=()
umount_under() {
  local m
  # Deepest first; /proc/self/mounts escapes spaces, which our paths lack.
  while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m"
  done < <(awk -v p="$1/" 'index($2, p) == 1 { print $2 }' /proc/self/mounts | sort -r)
}
remove_dir() {
  umount_under "$1"
  rm -rf --one-file-system "$1"
}
cleanup() {
  local d
  for d in "${WORK_DIRS[@]}"; do remove_dir "$d"; done
}
trap cleanup EXIT
# A signal must end the script through exit, so that cleanup runs.
trap 'exit 130' INT
trap 'exit 143' TERM

# new_work NAME: a fresh work directory in $WORK (same file system as the cache,
# so finished results are renamed into place atomically).
new_work() {
  mkdir -p "$IMAGES_DIR/tmp"
  WORK=$(mktemp -d "$IMAGES_DIR/tmp/$1.XXXXXX")
  chmod 0755 "$WORK"
  WORK_DIRS+=("$WORK")
}

# lock: one build at a time per cache (the base and the archives are shared);
# whatever a killed run left in tmp/ is removed under the lock.
lock() {
  mkdir -p "$IMAGES_DIR/tmp"
  exec 9>"$IMAGES_DIR/.lock"
  flock 9
  local d
  for d in "$IMAGES_DIR"/tmp/*; do
    [[ -e $d ]] && remove_dir "$d"
  done
  return 0
}

# --- host packages ------------------------------------------------------------
# host_pkgs PKG...: install those missing (a fresh machine has empty apt lists,
# hence the update).
APT_UPDATED=
host_pkgs() {
  local p missing=()
  for p; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  log "installing on the host: ${missing[*]}"
  local logfile=$IMAGES_DIR/logs/host-apt.log
  mkdir -p "$IMAGES_DIR/logs"
  if { [[ -n $APT_UPDATED ]] || apt-get update -q; } >>"$logfile" 2>&1 &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      "${missing[@]}" >>"$logfile" 2>&1; then
    APT_UPDATED=1
  else
    tail -n 20 "$logfile" >&2
    die "apt-get install ${missing[*]} failed; full log: $logfile"
  fi
}

# --- the Debian root file systems ----------------------------------------------
# in_chroot ROOT CMD...: run CMD in ROOT with a clean environment (the caller's
# locale or PATH must not leak into maintainer scripts); a proxy passes through.
in_chroot() {
  local root=$1
  shift
  chroot "$root" /usr/bin/env -i PATH="$IMAGE_PATH" HOME=/root LC_ALL=C \
    DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true \
    ${http_proxy:+"http_proxy=$http_proxy"} ${https_proxy:+"https_proxy=$https_proxy"} \
    "$@"
}

# apt_in ROOT APT-GET-ARGS...: apt-get in the chroot, with /proc (maintainer
# scripts such as mariadb's read it) and the host's DNS for the download.
apt_in() {
  local root=$1
  shift
  rm -f "$root/etc/resolv.conf"   # may be a symlink: never write through it
  cat /etc/resolv.conf >"$root/etc/resolv.conf"
  mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
  in_chroot "$root" apt-get -q -o Dpkg::Options::=--force-confold "$@"
  umount "$root/proc"
}

# slim_rootfs ROOT: what no container needs: apt's lists and caches, docs (but
# the copyright files), man pages, translations, logs, temporary files, and
# the host's DNS and name.
slim_rootfs() {
  local root=$1
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*
  if [[ -d $root/usr/share/doc ]]; then
    find "$root/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
    find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
  fi
  rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/* \
    "$root"/usr/share/lintian/*
  find "$root/var/log" -type f -delete
  find "$root/tmp" "$root/var/tmp" -mindepth 1 -delete
  rm -f "$root"/var/cache/debconf/*-old "$root"/var/lib/dpkg/*-old "$root/var/cache/ldconfig/aux-cache"
  # The kubelet mounts its own resolv.conf, hosts and hostname over these; the
  # defaults serve `ctr run` and the like (varnishd, for one, resolves
  # "localhost" at start). Removed first: debootstrap copies the host's.
  rm -f "$root/etc/resolv.conf" "$root/etc/hosts" "$root/etc/hostname"
  : >"$root/etc/resolv.conf"
  printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
  echo localhost >"$root/etc/hostname"
}

# make_base ROOT: debootstrap minbase, then what every image shares: bookworm's
# updates and security suites, no recommends, no docs/man/locales from dpkg, a
# policy-rc.d that forbids starting services (a chroot has no init; kept in the
# images, as Debian's official images do, for anyone who apt-gets in them).
make_base() {
  local root=$1
  debootstrap --variant=minbase "$SUITE" "$root" "$MIRROR"
  cat >"$root/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY_MIRROR $SUITE-security main
EOF
  cat >"$root/etc/apt/apt.conf.d/90magento-k8s" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
EOF
  cat >"$root/etc/dpkg/dpkg.cfg.d/90magento-k8s-slim" <<'EOF'
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-exclude=/usr/share/lintian/*
EOF
  printf '#!/bin/sh\n# no service starts at package installation in an image\nexit 101\n' \
    >"$root/usr/sbin/policy-rc.d"
  chmod 0755 "$root/usr/sbin/policy-rc.d"
  apt_in "$root" update
  apt_in "$root" -y upgrade
  apt_in "$root" clean
  slim_rootfs "$root"
}

base_key() {
  {
    echo "$SUITE $MIRROR $SECURITY_MIRROR $ARCH"
    declare -f make_base apt_in in_chroot slim_rootfs
  } | sha
}
base_dir() { echo "$IMAGES_DIR/base/$SUITE-$(base_key)"; }

# customize_app ROOT: the Magento tree at /var/www/html, root's and read-only
# for www-data (the chart mounts var/ and pub/media over the image's, which
# must exist as mount points); php-fpm under the name the chart runs.
customize_app() { install_tree "$1" "$APP_TREE" pub/media; }

# customize_openmage ROOT: the same for the OpenMage tree (media/ at the root).
customize_openmage() { install_tree "$1" "$OPENMAGE_TREE" media; }

# install_tree ROOT TREE MEDIA: TREE at ROOT's /var/www/html with the mount
# points var/ and MEDIA, and the PHP binaries the charts run.
install_tree() {
  local root=$1 html=$1/var/www/html
  [[ -d $2 ]] || die "the tree $2 is not a directory"
  rm -rf "$html"
  mkdir -p "$html"
  cp -a "$2/." "$html/"
  mkdir -p "$html/var" "$html/$3"
  chown -R 0:0 "$html"
  chmod -R u=rwX,go=rX "$html"
  [[ -x $root/usr/sbin/php-fpm8.2 ]] || die "no /usr/sbin/php-fpm8.2 in the app image"
  ln -sfn /usr/sbin/php-fpm8.2 "$root/usr/local/bin/php-fpm"
  [[ -x $root/usr/bin/php ]] || die "no /usr/bin/php in the app image"
}

# customize_mariadb ROOT: mariadbd's socket and pid file go to /run/mysqld,
# which Debian's init script makes at each start; no init runs in a container.
# (Under CRI /run is the image's; `ctr run` mounts a tmpfs over it.)
customize_mariadb() {
  in_chroot "$1" install -d -o mysql -g mysql -m 0755 /run/mysqld
}

# build_rootfs_image NAME TAG OUT: copy the base, apt-get NAME's packages,
# customize, slim, pack.
build_rootfs_image() {
  local name=$1 tag=$2 out=$3 root pkgs f
  read -ra pkgs <<<"${PACKAGES[$name]}"
  new_work "$name"
  root=$WORK/rootfs
  cp -a "$(base_dir)/rootfs" "$root"
  apt_in "$root" update
  apt_in "$root" install -y --no-install-recommends "${pkgs[@]}"
  apt_in "$root" clean
  if declare -F "customize_$name" >/dev/null; then "customize_$name" "$root"; fi
  slim_rootfs "$root"
  for f in /usr/bin/tini /bin/sh; do
    [[ -x $root$f ]] || die "$name: no $f"
  done
  [[ $(in_chroot "$root" id -u www-data):$(in_chroot "$root" id -g www-data) == 33:33 ]] ||
    die "$name: www-data is not 33:33"
  pack_image "$root" "$PREFIX/$name:$tag" "" "$out"
}

# --- packing and importing ------------------------------------------------------
# pack_image ROOT REF ENTRYPOINT OUT: ROOT as a docker-archive (`docker save`'s
# format, which `ctr images import` reads): one uncompressed layer tar, a
# config naming its digest, a manifest.json tagging it REF. ENTRYPOINT is a
# JSON array or empty. /proc, /sys and /dev stay empty: the runtime mounts them.
pack_image() {
  local root=$1 ref=$2 entrypoint=$3 out=$4 dir diff cfg
  dir=$(dirname "$root")/archive
  mkdir -p "$dir"
  tar --create --file "$dir/layer.tar" --directory "$root" --numeric-owner --sort=name \
    --xattrs --xattrs-include='security.capability' \
    --exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/*' .
  diff=$(sha256sum "$dir/layer.tar" | cut -d' ' -f1)
  mkdir "$dir/$diff"
  mv "$dir/layer.tar" "$dir/$diff/layer.tar"
  printf '{"architecture":"%s","os":"linux","config":{"Env":["PATH=%s"],%s"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created_by":"scripts/images.sh"}]}' \
    "$ARCH" "$IMAGE_PATH" "${entrypoint:+\"Entrypoint\":$entrypoint,}" "$diff" >"$dir/config.json"
  cfg=$(sha256sum "$dir/config.json" | cut -d' ' -f1)
  mv "$dir/config.json" "$dir/$cfg.json"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]\n' \
    "$cfg" "$ref" "$diff" >"$dir/manifest.json"
  mkdir -p "$(dirname "$out")"
  tar --create --file "$out.tmp" --directory "$dir" "$diff/layer.tar" "$cfg.json" manifest.json
  mv "$out.tmp" "$out"
}

# binary_image NAME TAG OUT /DEST=SRC...: an image holding only the given static
# binaries (pause, or e.g. a Go-built CoreDNS at /coredns), the entrypoint
# being the first. A dynamically linked one would not start: refused.
binary_image() {
  local name=$1 tag=$2 out=$3 spec dest src entry="" root
  shift 3
  new_work "$name"
  root=$WORK/rootfs
  mkdir -m 0755 "$root"
  for spec; do
    dest=${spec%%=*} src=${spec#*=}
    [[ $dest == /* && $spec == *=* ]] || die "binary_image: $spec is not /DEST=SRC"
    [[ -f $src ]] || die "binary_image: no file $src"
    if command -v readelf >/dev/null && readelf -lW "$src" 2>/dev/null | grep -q 'program interpreter'; then
      die "binary_image: $src is dynamically linked"
    fi
    install -D -m 0755 "$src" "$root$dest"
    entry=${entry:-$dest}
  done
  [[ -n $entry ]] || die "binary_image: no binary given"
  pack_image "$root" "$PREFIX/$name:$tag" "[\"$entry\"]" "$out"
}

# pause_source: the pod sandbox's process. It holds the pod's namespaces by
# doing nothing; as PID 1 of a pod sharing its PID namespace it reaps orphans;
# SIGINT/SIGTERM end it with 0 (as PID 1 it would otherwise ignore them).
pause_source() {
  cat <<'EOF'
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_stop(int sig) {
  (void)sig;
  _exit(0);
}

static void on_child(int sig) {
  int saved = errno;
  (void)sig;
  while (waitpid(-1, NULL, WNOHANG) > 0) {
  }
  errno = saved;
}

int main(int argc, char **argv) {
  struct sigaction sa;

  if (argc > 1 && strcmp(argv[1], "-v") == 0) {
    puts("pause (magento-k8s)");
    return 0;
  }
  if (getpid() != 1)
    fputs("pause: not PID 1: orphans of this PID namespace are not mine\n", stderr);

  memset(&sa, 0, sizeof sa);
  sigemptyset(&sa.sa_mask);
  sa.sa_handler = on_stop;
  if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0) {
    perror("pause: sigaction");
    return 1;
  }
  sa.sa_handler = on_child;
  sa.sa_flags = SA_NOCLDSTOP | SA_RESTART;
  if (sigaction(SIGCHLD, &sa, NULL) < 0) {
    perror("pause: sigaction");
    return 1;
  }
  for (;;)
    pause();
}
EOF
}

build_pause() {
  local tag=$1 out=$2 src
  new_work pause-src
  src=$WORK
  pause_source >"$src/pause.c"
  # shellcheck disable=SC2086 # the flags are words
  gcc $PAUSE_CFLAGS -o "$src/pause" "$src/pause.c"
  binary_image pause "$tag" "$out" "/pause=$src/pause"
}

# --- tags -----------------------------------------------------------------------
# tree_hash DIR: paths, types, link targets, exec bits and contents (modes and
# owners are normalized by install_tree, so they are no input).
tree_hash() {
  [[ -d $1 ]] || die "the tree $1 is not a directory"
  (
    cd "$1"
    find . -printf '%y %p %l\n' | sort
    find . -type f -perm /111 -printf 'x %p\n' | sort
    find . -type f -print0 | sort -z | xargs -0 -r sha256sum
  ) | sha
}

# exporter_spec: the exporter image's /DEST=SRC, one per word (the binaries of
# scripts/build-tools.sh): nginx-prometheus-exporter (the web pods) and redis_exporter (the
# shared services' Redis instances).
exporter_spec() {
  local tools
  tools=$(bash "$REPO_DIR/scripts/build-tools.sh" --print)
  echo "/usr/local/bin/nginx-prometheus-exporter=$(sed -n 's/^NGINX_EXPORTER=//p' <<<"$tools")" \
    "/usr/local/bin/redis_exporter=$(sed -n 's/^REDIS_EXPORTER=//p' <<<"$tools")"
}

image_tag() {
  local name=$1
  if [[ $name == exporter ]]; then
    # shellcheck disable=SC2046 # one word per /DEST=SRC
    binary_tag exporter $(exporter_spec)
    return
  fi
  if [[ $name == pause ]]; then
    {
      echo "pause $ARCH $PAUSE_CFLAGS"
      pause_source
      declare -f build_pause binary_image pack_image
    } | sha
    return
  fi
  [[ -n ${PACKAGES[$name]:-} ]] || die "unknown image $name (known: ${IMAGES[*]})"
  {
    echo "$name $(base_key) ${PACKAGES[$name]}"
    declare -f build_rootfs_image pack_image
    if declare -F "customize_$name" >/dev/null; then declare -f "customize_$name"; fi
    if [[ $name == app ]]; then declare -f install_tree; tree_hash "$APP_TREE"; fi
    if [[ $name == openmage ]]; then declare -f install_tree; tree_hash "$OPENMAGE_TREE"; fi
  } | sha
}

# binary_tag NAME /DEST=SRC...: from the binaries' content and places.
binary_tag() {
  local name=$1 spec
  shift
  {
    echo "binary $name $ARCH"
    for spec; do
      [[ -f ${spec#*=} ]] || die "no file ${spec#*=}"
      echo "${spec%%=*} $(sha256sum <"${spec#*=}")"
    done
    declare -f binary_image pack_image
  } | sha
}

# --- containerd -----------------------------------------------------------------
ctr_() { ctr --address "$ADDRESS" --namespace "$NAMESPACE" "$@"; }
containerd_up() { ctr --address "$ADDRESS" version >/dev/null 2>&1; }
imported() { [[ -n $(ctr_ images ls -q "name==$1" 2>/dev/null) ]]; }

# --- steps ------------------------------------------------------------------------
# run_logged LOG CMD...: CMD (a subcommand of this script, so that errexit holds
# inside it) with its output in LOG, shown if it fails.
run_logged() {
  local logfile=$1
  shift
  mkdir -p "$(dirname "$logfile")"
  if ! bash "$SELF" "$@" </dev/null >"$logfile" 2>&1; then
    tail -n 25 "$logfile" >&2
    die "$* failed; full log: $logfile"
  fi
}

ensure_base() {
  local dir t0
  dir=$(base_dir)
  [[ -d $dir/rootfs ]] && return 0
  host_pkgs debootstrap
  t0=$EPOCHREALTIME
  log "debootstrap $SUITE (once per cache) ..."
  run_logged "$IMAGES_DIR/logs/base-$(basename "$dir").log" __base "$dir"
  log "base $dir: built in $(elapsed "$t0")"
  # Bases of other keys (another recipe or mirror) are of no further use.
  find "$IMAGES_DIR/base" -mindepth 1 -maxdepth 1 ! -path "$dir" -exec rm -rf --one-file-system {} +
  find "$IMAGES_DIR/logs" -name 'base-*.log' ! -name "base-$(basename "$dir").log" -delete
}

# ensure_archive NAME: sets TAG, REF, ARCHIVE and STATUS (cached or "built Ns").
ensure_archive() {
  local name=$1 t0
  TAG=$(image_tag "$name")
  REF=$PREFIX/$name:$TAG
  ARCHIVE=$IMAGES_DIR/$name/$TAG.tar
  if [[ -f $ARCHIVE ]]; then
    STATUS=cached
    return 0
  fi
  case $name in
    pause) host_pkgs gcc libc6-dev ;;
    exporter) ;;
    *) ensure_base ;;
  esac
  t0=$EPOCHREALTIME
  run_logged "$IMAGES_DIR/logs/$name-$TAG.log" __build "$name" "$TAG" "$ARCHIVE"
  STATUS="built $(elapsed "$t0")"
  prune "$name"
}

# prune NAME: keep NAME's two newest archives (the app's tag follows every edit
# of APP_TREE; going back one edit stays cached), drop the rest and their logs.
prune() {
  local old
  while read -r old; do
    rm -f "$old" "$IMAGES_DIR/logs/$1-$(basename "$old" .tar).log"
  done < <(find "$IMAGES_DIR/$1" -maxdepth 1 -name '*.tar' -printf '%T@ %p\n' | sort -rn | tail -n +3 | cut -d' ' -f2-)
}

# import_archive: import $ARCHIVE as $REF unless containerd has it; sets IMPORT.
import_archive() {
  local t0
  if imported "$REF"; then
    IMPORT="present"
    return 0
  fi
  t0=$EPOCHREALTIME
  ctr_ images import --all-platforms "$ARCHIVE" >/dev/null
  imported "$REF" || die "containerd does not list $REF after importing $ARCHIVE"
  IMPORT="imported $(elapsed "$t0")"
}

need_containerd() {
  host_pkgs containerd   # for ctr; starting containerd is the node's business
  containerd_up || die "containerd is not answering at $ADDRESS (set CONTAINERD_ADDRESS; 'tar NAME' builds without it)"
}

need_root() { ((EUID == 0)) || die "$1 needs root (debootstrap, chroot, mount)"; }

report() { printf '%-8s %-50s %s, %s, %s\n' "$1" "$REF" "$STATUS" "$IMPORT" "$(size_of "$ARCHIVE")"; }

cmd_build() {
  local name
  (($#)) || set -- "${IMAGES[@]}"
  for name; do image_tag "$name" >/dev/null; done   # unknown names fail first
  need_root build
  need_containerd
  lock
  for name; do
    ensure_archive "$name"
    import_archive
    report "$name"
  done
}

cmd_binary() {
  (($# >= 2)) || die "usage: images.sh binary NAME /DEST=SRC [/DEST=SRC...]"
  local name=$1 t0
  shift
  [[ -z ${PACKAGES[$name]:-} && $name != pause && $name != exporter ]] || die "$name is a built-in image"
  need_root binary
  need_containerd
  lock
  TAG=$(binary_tag "$name" "$@")
  REF=$PREFIX/$name:$TAG
  ARCHIVE=$IMAGES_DIR/$name/$TAG.tar
  STATUS=cached
  if [[ ! -f $ARCHIVE ]]; then
    t0=$EPOCHREALTIME
    run_logged "$IMAGES_DIR/logs/$name-$TAG.log" __binary "$name" "$TAG" "$ARCHIVE" "$@"
    STATUS="built $(elapsed "$t0")"
  fi
  import_archive
  report "$name"
}

cmd_list() {
  local name ref tag state up=
  containerd_up 2>/dev/null && up=1
  for name in "${IMAGES[@]}"; do
    tag=$(image_tag "$name")
    ref=$PREFIX/$name:$tag
    state=not-built
    [[ -f $IMAGES_DIR/$name/$tag.tar ]] && state=cached
    if [[ -n $up ]]; then
      if imported "$ref"; then state+=",imported"; else state+=",not-imported"; fi
    fi
    printf '%-8s %-50s %s\n' "$name" "$ref" "$state"
  done
}

main() {
  local cmd=${1:-}
  shift || true
  case $cmd in
    build) cmd_build "$@" ;;
    ref)
      (($# == 1)) || die "usage: images.sh ref NAME"
      local tag
      tag=$(image_tag "$1")
      echo "$PREFIX/$1:$tag"
      ;;
    list) cmd_list ;;
    tar)
      (($# == 1)) || die "usage: images.sh tar NAME"
      image_tag "$1" >/dev/null
      need_root tar
      lock
      ensure_archive "$1"
      echo "$ARCHIVE"
      ;;
    binary) cmd_binary "$@" ;;
    # Internal: the steps run by run_logged, in a process of their own.
    __base)
      new_work base
      make_base "$WORK/rootfs"
      mkdir -p "$(dirname "$1")"
      mv "$WORK" "$1"
      ;;
    __build)
      case $1 in
        pause) build_pause "$2" "$3" ;;
        # shellcheck disable=SC2046 # one word per /DEST=SRC
        exporter) binary_image exporter "$2" "$3" $(exporter_spec) ;;
        *) build_rootfs_image "$@" ;;
      esac
      ;;
    __binary) binary_image "$@" ;;
    *)
      sed -n '/^# Usage:/,/^set -euo/p' "$SELF" | sed -e '$d' -e 's/^# \{0,1\}//' >&2
      exit 2
      ;;
  esac
}

main "$@"
