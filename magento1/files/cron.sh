# shellcheck shell=sh
# The magento1 chart's cron pods (files/cron.sh): OpenMage's cron.php in one mode ($1: default or
# always) in the foreground, so the Job's pod lives as long as the run. Plain cron.php would start
# cron.sh in the background and exit at once. cron.php ignores maintenance.flag: nothing runs while
# the setup Job holds the store in maintenance ($MAINTENANCE_FLAG on the shared media volume).
set -eu
if [ -e "$MAINTENANCE_FLAG" ]; then
  echo "cron: the store is in maintenance (setup Job): skipping this run"
  exit 0
fi
exec "$PHP_CLI" cron.php "-m$1"
