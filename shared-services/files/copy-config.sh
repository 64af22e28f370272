# shellcheck shell=sh
# The shared-services OpenSearch pods: this init container makes a writable copy of the image's
# config directory ($1) but opensearch.yml (the chart's) in $2; the node writes its keystore there.
# Entry by entry: copying "." would set the times of the volume's root, which the pod's user does
# not own (EPERM).
set -eu
cd "$1"
for entry in * .[!.]*; do
  [ -e "$entry" ] || continue
  [ "$entry" = opensearch.yml ] && continue
  cp -a "$entry" "$2/"
done
