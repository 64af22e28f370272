<?php
/**
 * app/etc/env.php of the magento2 chart, mounted read-only over the image's own file in every
 * container that runs Magento (php-fpm, cron, consumers; the upgrade Job gets a writable copy).
 *
 * The same file for every store and environment: everything environment-specific comes from the
 * variables the chart sets (ConfigMap "<release>-env", passwords and the crypt key from Secrets),
 * read here with getenv() and written into whole sections with the types Magento's own
 * setup:install writes. Magento reads db, cache, queue, lock, http_cache_hosts and system as whole
 * sections from this file (DeploymentConfig::getConfigData, Frontend\Pool, framework-amqp Config,
 * InitialConfigSource), where its MAGENTO_DC_* overrides never reach: that is why the chart's
 * variables do not use that prefix.
 *
 * Only expressions, no named functions, classes or variables at file scope: Magento includes this
 * file many times per process, from inside its own methods (DeploymentConfig\Reader::load).
 * Writing to it (config:set --lock-env, setup:config:set) fails on purpose: the chart is its only
 * source; set magento.deploymentConfig / magento.systemConfig instead.
 */
return (static function (): array {
    // A variable's value; unset or empty gives $default.
    $env = static function (string $name, ?string $default = null): ?string {
        $value = getenv($name);
        return $value === false || $value === '' ? $default : $value;
    };
    // A variable Magento cannot run without: a clear error instead of a store that half works.
    $required = static function (string $name) use ($env): string {
        $value = $env($name);
        if ($value === null) {
            throw new \RuntimeException(sprintf('app/etc/env.php: the environment variable %s is not set', $name));
        }
        return $value;
    };
    // A JSON object from a variable (the chart's extra configuration), as a PHP array.
    $json = static function (string $name) use ($env): array {
        $decoded = json_decode($env($name, '{}'), true, 64, JSON_THROW_ON_ERROR);
        if (!is_array($decoded)) {
            throw new \RuntimeException(sprintf('app/etc/env.php: %s is not a JSON object', $name));
        }
        return $decoded;
    };
    // A space-separated list from a variable.
    $list = static function (string $name) use ($env): array {
        return preg_split('/\s+/', trim((string) $env($name, '')), -1, PREG_SPLIT_NO_EMPTY);
    };

    $config = [
        'MAGE_MODE' => $env('MAGE_MODE', 'production'),
        'install' => ['date' => $env('MAGENTO_INSTALL_DATE', 'Thu, 01 Jan 2026 00:00:00 +0000')],
        'backend' => ['frontName' => $required('MAGENTO_ADMIN_PATH')],
        'crypt' => ['key' => $required('MAGENTO_CRYPT_KEY')],
        'db' => [
            'table_prefix' => $env('MAGENTO_DB_TABLE_PREFIX', ''),
            'connection' => [
                'default' => [
                    // "host:port": Magento splits it (a separate port key is refused).
                    'host' => $required('MAGENTO_DB_HOST'),
                    'dbname' => $required('MAGENTO_DB_NAME'),
                    'username' => $required('MAGENTO_DB_USER'),
                    'password' => $env('MAGENTO_DB_PASSWORD', ''),
                    'model' => 'mysql4',
                    'engine' => 'innodb',
                    'initStatements' => 'SET NAMES utf8;',
                    'active' => '1',
                ],
            ],
        ],
        'resource' => ['default_setup' => ['connection' => 'default']],
        'x-frame-options' => 'SAMEORIGIN',
        'directories' => ['document_root_is_pub' => true],
        'lock' => ['provider' => 'db'],
        'cache' => [
            'frontend' => [
                'default' => ['id_prefix' => $required('MAGENTO_CACHE_ID_PREFIX')],
                'page_cache' => ['id_prefix' => $required('MAGENTO_CACHE_ID_PREFIX')],
            ],
            'allow_parallel_generation' => false,
            // GraphQL cache ids: a salt per environment, kept secret by deriving it from the crypt
            // key (Magento would otherwise try to write a new one into this file).
            'graphql' => ['id_salt' => $env('MAGENTO_GRAPHQL_ID_SALT')
                ?? substr(hash('sha256', 'graphql-id-salt:' . $required('MAGENTO_CRYPT_KEY')), 0, 32)],
        ],
        // Every cache type of Magento 2.4.8 on (a type missing here counts as disabled).
        'cache_types' => array_fill_keys([
            'config', 'layout', 'block_html', 'collections', 'reflection', 'db_ddl', 'compiled_config',
            'eav', 'customer_notification', 'config_integration', 'config_integration_api', 'full_page',
            'translate', 'config_webservice', 'graphql_query_resolver_result',
        ], 1),
        'session' => ['save' => 'db'],
        'queue' => [
            // Compared with === 1 by Magento (framework-message-queue CallbackInvoker).
            'consumers_wait_for_messages' => (int) $env('MAGENTO_QUEUE_CONSUMERS_WAIT_FOR_MESSAGES', '1'),
        ],
        // Consumers run in the foreground in their own pods, never as background children of cron.
        'cron_consumers_runner' => ['cron_run' => false],
        'system' => ['default' => []],
    ];

    if (($host = $env('MAGENTO_REDIS_HOST')) !== null) {
        $redis = static fn (string $database): array => [
            'backend' => 'Magento\\Framework\\Cache\\Backend\\Redis',
            'backend_options' => [
                'server' => $host,
                'port' => $env('MAGENTO_REDIS_PORT', '6379'),
                'database' => $database,
                'password' => $env('MAGENTO_REDIS_PASSWORD', ''),
                'compress_data' => '1',
                'compression_lib' => '',
            ],
        ];
        $config['cache']['frontend']['default'] += $redis($required('MAGENTO_REDIS_CACHE_DB'));
        $config['cache']['frontend']['page_cache'] += $redis($required('MAGENTO_REDIS_PAGE_CACHE_DB'));
    }
    if (($host = $env('MAGENTO_SESSION_REDIS_HOST')) !== null) {
        $config['session'] = [
            'save' => 'redis',
            'redis' => [
                'host' => $host,
                'port' => $env('MAGENTO_SESSION_REDIS_PORT', '6379'),
                'password' => $env('MAGENTO_SESSION_REDIS_PASSWORD', ''),
                'timeout' => '2.5',
                'persistent_identifier' => '',
                'database' => $required('MAGENTO_SESSION_REDIS_DB'),
                'compression_threshold' => '2048',
                'compression_library' => 'gzip',
                'log_level' => '1',
                'max_concurrency' => '6',
                'break_after_frontend' => '5',
                'break_after_adminhtml' => '30',
                'first_lifetime' => '600',
                'bot_first_lifetime' => '60',
                'bot_lifetime' => '7200',
                'disable_locking' => '0',
                'min_lifetime' => '60',
                'max_lifetime' => '2592000',
            ],
        ];
    }
    if (($host = $env('MAGENTO_AMQP_HOST')) !== null) {
        $config['queue']['amqp'] = [
            'host' => $host,
            'port' => $env('MAGENTO_AMQP_PORT', '5672'),
            'user' => $required('MAGENTO_AMQP_USER'),
            'password' => $env('MAGENTO_AMQP_PASSWORD', ''),
            'virtualhost' => $env('MAGENTO_AMQP_VIRTUALHOST', '/'),
        ];
    }
    // "host:port host:port": every Varnish instance Magento purges.
    foreach ($list('MAGENTO_HTTP_CACHE_HOSTS') as $entry) {
        [$host, $port] = array_pad(explode(':', $entry, 2), 2, '80');
        $config['http_cache_hosts'][] = ['host' => $host, 'port' => $port];
    }

    // Default-scope system configuration (what core_config_data holds, read above it).
    $system = [];
    if (($url = $env('MAGENTO_BASE_URL')) !== null) {
        $secure = preg_replace('#^http://#', 'https://', $url);
        $https = strncmp($url, 'https://', 8) === 0 ? '1' : '0';
        $system['web'] = [
            'unsecure' => ['base_url' => $url],
            'secure' => [
                'base_url' => $secure,
                'use_in_frontend' => $https,
                'use_in_adminhtml' => $https,
                'offloader_header' => 'X-Forwarded-Proto',
            ],
        ];
    }
    if (($engine = $env('MAGENTO_SEARCH_ENGINE')) !== null) {
        $username = $env('MAGENTO_SEARCH_USERNAME');
        $search = [
            'engine' => $engine,
            $engine . '_server_hostname' => $required('MAGENTO_SEARCH_HOST'),
            $engine . '_server_port' => $env('MAGENTO_SEARCH_PORT', '9200'),
            $engine . '_index_prefix' => $required('MAGENTO_SEARCH_INDEX_PREFIX'),
            $engine . '_server_timeout' => $env('MAGENTO_SEARCH_TIMEOUT', '15'),
            $engine . '_enable_auth' => $username === null ? '0' : '1',
        ];
        if ($username !== null) {
            $search[$engine . '_username'] = $username;
            $search[$engine . '_password'] = $env('MAGENTO_SEARCH_PASSWORD', '');
        }
        $system['catalog']['search'] = $search;
    }
    // The cron groups the chart's CronJobs run: in their own process, never forked into the
    // background of a pod that ends when cron:run ends.
    foreach ($list('MAGENTO_CRON_IN_PROCESS_GROUPS') as $group) {
        $system['system']['cron'][$group]['use_separate_process'] = '0';
    }
    if (($application = $env('MAGENTO_FULL_PAGE_CACHE_APPLICATION')) !== null) {
        $system['system']['full_page_cache']['caching_application'] = $application;
    }
    $config['system']['default'] = $system;

    // magento.deploymentConfig and magento.systemConfig of the chart, over everything above.
    return array_replace_recursive($config, $json('MAGENTO_DEPLOYMENT_CONFIG'), ['system' => $json('MAGENTO_SYSTEM_CONFIG')]);
})();
