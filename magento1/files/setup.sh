# shellcheck shell=sh
# The magento1 chart's setup hook Job (files/setup.sh), run from the store's root before the new web
# pods roll. Only when setup.php reports pending module updates: the store goes into maintenance
# (the flag on the shared media volume, which every web pod's nginx and every cron pod read), the
# updates are applied, and maintenance ends on the way out, success or failure.
# Environment: PHP_CLI, APP_ETC (the chart's files), MAINTENANCE_FLAG, ON_NOT_INSTALLED (fail|skip).
set -u
status=0
"$PHP_CLI" "$APP_ETC/setup.php" status || status=$?
case $status in
  0) exit 0 ;;
  10) ;;
  3)
    if [ "$ON_NOT_INSTALLED" = skip ]; then
      echo "setup: not installed; setup.onNotInstalled is skip: nothing to do"
      exit 0
    fi
    echo "setup: not installed; set setup.onNotInstalled to skip to release anyway" >&2
    exit 1
    ;;
  *) exit "$status" ;;
esac
trap 'rm -f "$MAINTENANCE_FLAG"' EXIT
trap 'exit 143' TERM INT
date -u +%Y-%m-%dT%H:%M:%SZ > "$MAINTENANCE_FLAG"
echo "setup: maintenance on ($MAINTENANCE_FLAG)"
"$PHP_CLI" "$APP_ETC/setup.php" apply
