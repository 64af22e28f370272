# shellcheck shell=sh
# A dedicated consumer Deployment's container of the magento2 chart: CONSUMER waits for messages,
# exits after MAX_MESSAGES and starts again after RESTART_DELAY_SECONDS, in the foreground; paused
# while an upgrade holds the store in maintenance (var/ shared); SIGTERM ends it at once.
set -u
: "${MAGENTO_PHP:?}" "${CONSUMER:?}" "${MAX_MESSAGES:?}" "${RESTART_DELAY_SECONDS:?}"
trap 'exit 0' TERM INT
while :; do
  if [ -e var/.maintenance.flag ]; then
    echo "consumer $CONSUMER: maintenance mode (an upgrade runs): waiting"
    while [ -e var/.maintenance.flag ]; do sleep 5; done
  fi
  "$MAGENTO_PHP" bin/magento --no-ansi queue:consumers:start "$CONSUMER" --single-thread \
    --max-messages="$MAX_MESSAGES" || echo "consumer $CONSUMER exited with $?" >&2
  sleep "$RESTART_DELAY_SECONDS"
done
