# shellcheck shell=sh
# The queue consumers CronJob of the magento2 chart: every consumer (CONSUMERS_ONLY, else those
# bin/magento queue:consumers:list names) but the ones with their own Deployment (CONSUMERS_SKIP),
# one after the other in the foreground, each handling at most MAX_MESSAGES and exiting when its
# queue is empty. Nothing runs while an upgrade holds the store in maintenance (var/ shared). A
# failing consumer does not stop the others but fails the run.
set -u
: "${MAGENTO_PHP:?}" "${MAX_MESSAGES:?}"
if [ -e var/.maintenance.flag ]; then
  echo "consumers: maintenance mode (an upgrade runs): nothing run"
  exit 0
fi
consumers=${CONSUMERS_ONLY:-}
if [ -z "$consumers" ]; then
  consumers=$("$MAGENTO_PHP" bin/magento --no-ansi queue:consumers:list) || {
    echo "consumers: queue:consumers:list failed" >&2
    exit 1
  }
fi
failed=0
for consumer in $consumers; do
  case " ${CONSUMERS_SKIP:-} " in *" $consumer "*) continue ;; esac
  "$MAGENTO_PHP" bin/magento --no-ansi queue:consumers:start "$consumer" --single-thread \
    --max-messages="$MAX_MESSAGES" || {
    echo "consumers: $consumer failed" >&2
    failed=1
  }
done
exit $failed
