# shellcheck shell=sh disable=SC2153 # the MAGENTO_* variables come from the chart's env ConfigMap
# The database upgrade of the magento2 chart: the pre-install/pre-upgrade hook Job runs it before
# the new web pods roll. setup:db:status decides: up to date (0) changes nothing; an upgrade (2)
# runs under maintenance mode, which is switched off again on the way out, success or failure;
# anything else is a store that is not installed or a database that cannot be used, handled as
# upgrade.onNotInstalled says (ON_NOT_INSTALLED: fail, skip or install). With CONFIG_IMPORT=true
# changed configuration is imported also without a schema upgrade.
#
# The Job's app/etc is a writable copy of the image's with the chart's env.php in it (setup:upgrade
# writes config.php, setup:install writes env.php): what it writes dies with the pod, the chart's
# env.php stays the store's only one.
set -u
: "${MAGENTO_PHP:?}" "${ON_NOT_INSTALLED:?}" "${CONFIG_IMPORT:?}"

magento() { "$MAGENTO_PHP" bin/magento --no-ansi "$@"; }

upgrade() {
  echo "upgrade: setup:upgrade is needed"
  trap 'magento maintenance:disable || true' EXIT
  trap 'exit 143' TERM INT
  magento maintenance:enable || exit 1
  magento setup:upgrade --keep-generated --no-interaction || exit 1
  magento app:config:import --no-interaction || exit 1
  echo "upgrade: done"
  exit 0
}

# install: setup:install into the empty database, with the settings the store's env.php holds
# (setup:install would write its own defaults, localhost among them, for any option not given).
install() {
  echo "upgrade: the database is empty: installing Magento (setup:install)"
  : "${ADMIN_USER:?}" "${ADMIN_PASSWORD:?}" "${ADMIN_EMAIL:?}"
  set -- --no-interaction \
    --db-host="$MAGENTO_DB_HOST" --db-name="$MAGENTO_DB_NAME" --db-user="$MAGENTO_DB_USER" \
    --db-password="${MAGENTO_DB_PASSWORD:-}" --db-prefix="${MAGENTO_DB_TABLE_PREFIX:-}" \
    --key="$MAGENTO_CRYPT_KEY" --backend-frontname="$MAGENTO_ADMIN_PATH" \
    --admin-user="$ADMIN_USER" --admin-password="$ADMIN_PASSWORD" --admin-email="$ADMIN_EMAIL" \
    --admin-firstname="${ADMIN_FIRSTNAME:-Admin}" --admin-lastname="${ADMIN_LASTNAME:-Admin}" \
    --language="$INSTALL_LANGUAGE" --currency="$INSTALL_CURRENCY" --timezone="$INSTALL_TIMEZONE" \
    --use-rewrites=1 --cache-id-prefix="$MAGENTO_CACHE_ID_PREFIX" --page-cache-id-prefix="$MAGENTO_CACHE_ID_PREFIX"
  if [ -n "${MAGENTO_BASE_URL:-}" ]; then
    set -- "$@" --base-url="$MAGENTO_BASE_URL"
  fi
  case $MAGENTO_SEARCH_ENGINE in
    opensearch) search=opensearch ;;
    *) search=elasticsearch ;;
  esac
  set -- "$@" --search-engine="$MAGENTO_SEARCH_ENGINE" --"$search"-host="$MAGENTO_SEARCH_HOST" \
    --"$search"-port="$MAGENTO_SEARCH_PORT" --"$search"-index-prefix="$MAGENTO_SEARCH_INDEX_PREFIX" \
    --"$search"-timeout="$MAGENTO_SEARCH_TIMEOUT"
  if [ -n "${MAGENTO_SEARCH_USERNAME:-}" ]; then
    set -- "$@" --"$search"-enable-auth=1 --"$search"-username="$MAGENTO_SEARCH_USERNAME" \
      --"$search"-password="${MAGENTO_SEARCH_PASSWORD:-}"
  fi
  if [ -n "${MAGENTO_REDIS_HOST:-}" ]; then
    set -- "$@" --cache-backend=redis --cache-backend-redis-server="$MAGENTO_REDIS_HOST" \
      --cache-backend-redis-port="$MAGENTO_REDIS_PORT" --cache-backend-redis-db="$MAGENTO_REDIS_CACHE_DB" \
      --cache-backend-redis-password="${MAGENTO_REDIS_PASSWORD:-}" \
      --page-cache=redis --page-cache-redis-server="$MAGENTO_REDIS_HOST" \
      --page-cache-redis-port="$MAGENTO_REDIS_PORT" --page-cache-redis-db="$MAGENTO_REDIS_PAGE_CACHE_DB" \
      --page-cache-redis-password="${MAGENTO_REDIS_PASSWORD:-}"
  fi
  if [ -n "${MAGENTO_SESSION_REDIS_HOST:-}" ]; then
    set -- "$@" --session-save=redis --session-save-redis-host="$MAGENTO_SESSION_REDIS_HOST" \
      --session-save-redis-port="$MAGENTO_SESSION_REDIS_PORT" --session-save-redis-db="$MAGENTO_SESSION_REDIS_DB" \
      --session-save-redis-password="${MAGENTO_SESSION_REDIS_PASSWORD:-}"
  else
    set -- "$@" --session-save=db
  fi
  if [ -n "${MAGENTO_AMQP_HOST:-}" ]; then
    set -- "$@" --amqp-host="$MAGENTO_AMQP_HOST" --amqp-port="$MAGENTO_AMQP_PORT" \
      --amqp-user="$MAGENTO_AMQP_USER" --amqp-password="${MAGENTO_AMQP_PASSWORD:-}" \
      --amqp-virtualhost="$MAGENTO_AMQP_VIRTUALHOST"
  fi
  if [ -n "${MAGENTO_HTTP_CACHE_HOSTS:-}" ]; then
    hosts=
    for host in $MAGENTO_HTTP_CACHE_HOSTS; do
      hosts=${hosts:+$hosts,}$host
    done
    set -- "$@" --http-cache-hosts="$hosts"
  fi
  magento setup:install "$@" || exit 1
  echo "upgrade: installed"
  exit 0
}

# not_installed STATUS: setup:db:status neither said "up to date" nor "upgrade": look at the
# database itself (the connection of app/etc/env.php) before deciding. Whatever is not installed
# fails the Job with setup:db:status's exit status.
not_installed() {
  if [ "$ON_NOT_INSTALLED" = skip ]; then
    echo "upgrade: Magento is not installed or the database cannot be used (setup:db:status exit $1); skipped as upgrade.onNotInstalled says"
    exit 0
  fi
  if ! state=$("$MAGENTO_PHP" "$UPGRADE_SCRIPTS/db-state.php"); then
    echo "upgrade: setup:db:status failed with exit $1 and the database cannot be reached" >&2
    exit "$1"
  fi
  case $state in
    empty)
      if [ "$ON_NOT_INSTALLED" = install ]; then
        install
      fi
      echo "upgrade: the database is empty: Magento is not installed (set upgrade.onNotInstalled to install or skip)" >&2
      exit "$1" ;;
    installed)
      echo "upgrade: setup:db:status failed with exit $1 on an installed database" >&2
      exit "$1" ;;
    *)
      echo "upgrade: the database holds tables but no Magento installation: nothing is installed into it" >&2
      exit "$1" ;;
  esac
}

status=0
magento setup:db:status || status=$?
case $status in
  0) echo "upgrade: database schema and data are up to date" ;;
  2) upgrade ;;
  *) not_installed "$status" ;;
esac
if [ "$CONFIG_IMPORT" = true ]; then
  config=0
  magento app:config:status || config=$?
  if [ "$config" -eq 2 ]; then
    echo "upgrade: importing changed configuration"
    magento app:config:import --no-interaction || exit 1
  fi
fi
