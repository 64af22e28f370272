# shellcheck shell=sh
# The magento2 chart's upgrade Job: this init container makes a writable app/etc ($3) of the app
# image's ($1) with the chart's env.php ($2) in it (setup:upgrade writes config.php, setup:install
# env.php; what they write goes with the pod). Entry by entry: copying "." would set the times of
# the volume's root, which the pod's user does not own (EPERM).
set -eu
cd "$1"
for entry in * .[!.]*; do
  [ -e "$entry" ] || continue
  [ "$entry" = env.php ] && continue
  cp -a "$entry" "$3/"
done
cp "$2" "$3/env.php"
