# shellcheck shell=sh
# The magento1 chart's web pods with web.codeSharing "copy": this init container copies the app
# image's store root ($1) but media and var into the volume nginx serves ($2), so both containers
# see the same build. Entry by entry: copying "." would set the times of the volume's root, which
# the pod's user does not own (EPERM).
set -eu
cd "$1"
for entry in * .[!.]*; do
  [ -e "$entry" ] || continue
  case "$entry" in media | var) continue ;; esac
  cp -a "$entry" "$2/"
done
# The media volume's mount point: nginx mounts $2 read-only, where the runtime cannot make it.
mkdir -p "$2/media"
