<?php
// Stub of Magento's front controller: reports what nginx and php-fpm handed to PHP, and the
// configuration as Magento 2.4.8 reads it: app/etc/env.php included as an array
// (framework/App/DeploymentConfig/Reader.php), the mode from $_SERVER (Bootstrap params), and
// CONFIG__* system configuration from $_ENV only (module-config EnvironmentPlaceholder.php), never
// getenv().
// Maintenance mode as Magento's Bootstrap::assertMaintenance and MaintenanceMode::isOn decide it:
// var/.maintenance.flag set and the client not among var/.maintenance.ip's addresses: 503 (the
// page errors/503.php shows).
$maintenanceDir = dirname(__DIR__) . '/var/';
if (file_exists($maintenanceDir . '.maintenance.flag')) {
    $allowed = array_filter(array_map('trim', explode(',', (string) @file_get_contents($maintenanceDir . '.maintenance.ip'))));
    if (!in_array($_SERVER['REMOTE_ADDR'] ?? '', $allowed, true)) {
        http_response_code(503);
        header('Retry-After: 30');
        echo "Service Temporarily Unavailable: maintenance\n";
        exit;
    }
}
header('Content-Type: application/json');
// ?warn=X: a PHP warning, logged as PHP logs it (log_errors, no error_log: the SAPI's logger).
if (isset($_GET['warn'])) {
    trigger_error('stub warning ' . $_GET['warn'], E_USER_WARNING);
}
// ?tags=a,b: a cacheable page, as Magento marks one for the full-page cache (Cache-Control public
// and the cache tags of what it shows); ?private=1: a page for one customer only.
if (isset($_GET['tags'])) {
    header('Cache-Control: public, max-age=86400, s-maxage=86400');
    header('X-Magento-Tags: ' . $_GET['tags']);
} elseif (isset($_GET['private'])) {
    header('Cache-Control: private, max-age=0');
} else {
    header('Cache-Control: no-store, no-cache, must-revalidate, max-age=0');
}
// ?internal=1: headers Magento and PHP may send that no visitor should see (developer mode's
// X-Magento-Debug, preload Link headers, PHP's X-Powered-By).
if (isset($_GET['internal'])) {
    header('X-Magento-Debug: 1');
    header('Link: </static/styles.css>; rel=preload; as=style');
    header('X-Powered-By: PHP/stub');
}
// ?vary=X: the visitor's context changed (customer group, currency, store): Magento sets the
// X-Magento-Vary cookie (framework/App/Response/Http.php sendVary).
if (isset($_GET['vary'])) {
    setcookie('X-Magento-Vary', $_GET['vary'], ['path' => '/', 'samesite' => 'Lax']);
}
// GraphQL: Magento answers with the cache id the query's context has (module-graph-ql-cache).
if (isset($_SERVER['HTTP_X_MAGENTO_CACHE_ID'])) {
    header('X-Magento-Cache-Id: ' . $_SERVER['HTTP_X_MAGENTO_CACHE_ID']);
}
// ?sleep=N: a slow request (checkout with a slow payment provider, an admin export).
// It leaves var/busy-<pid> while it runs, so a test can see the workers it occupies.
if (isset($_GET['sleep'])) {
    $busy = dirname(__DIR__) . '/var/busy-' . getmypid();
    touch($busy);
    sleep((int) $_GET['sleep']);
    unlink($busy);
}
$config = include dirname(__DIR__) . '/app/etc/env.php';
$configEnv = [];
foreach ($_ENV as $name => $value) {
    if (strncmp($name, 'CONFIG__', 8) === 0) {
        $configEnv[$name] = $value;
    }
}
// ?reach=1: the services env.php names, reached as Magento reaches them: the database with PDO
// (db/connection/default, "host:port"), each Redis (cache, page cache, sessions) with AUTH when
// it has a password, SELECT of its database and PING.
$reach = null;
if (isset($_GET['reach'])) {
    $reach = [];
    $client = include dirname(__DIR__) . '/app/stub/reach.php';
    $reach['db'] = $client['db']($config['db']['connection']['default'] ?? []);
    $redis = static function (string $host, $port, $database, string $password) use ($client): string {
        $answer = $client['redis']($host, $port, $database, $password);
        return $answer === 'ok +PONG' ? 'PONG' : $answer;
    };
    foreach (['cache' => 'default', 'page_cache' => 'page_cache'] as $name => $frontend) {
        $o = $config['cache']['frontend'][$frontend]['backend_options'] ?? null;
        $reach[$name] = $o ? $redis($o['server'], $o['port'], $o['database'], (string) ($o['password'] ?? '')) : 'no redis';
    }
    $s = $config['session']['redis'] ?? null;
    $reach['session'] = $s ? $redis($s['host'], $s['port'], $s['database'], (string) ($s['password'] ?? '')) : 'no redis';
}
$ini = [];
foreach (array_filter(explode(',', $_GET['ini'] ?? '')) as $key) {
    $ini[$key] = ini_get($key);
}
echo json_encode([
    'script' => basename(__FILE__),
    'nonce' => bin2hex(random_bytes(8)),
    'uri' => $_SERVER['REQUEST_URI'] ?? null,
    'query' => (object) $_GET,
    'https' => $_SERVER['HTTPS'] ?? null,
    'remote_addr' => $_SERVER['REMOTE_ADDR'] ?? null,
    'mage_mode' => $_SERVER['MAGE_MODE'] ?? null,
    'mage_run_code' => $_SERVER['MAGE_RUN_CODE'] ?? null,
    'mage_run_type' => $_SERVER['MAGE_RUN_TYPE'] ?? null,
    'user' => function_exists('posix_getuid') ? posix_getuid() : null,
    'cwd' => getcwd(),
    'config' => $config,
    'config_env' => (object) $configEnv,
    'ini' => (object) $ini,
    'reach' => $reach,
]);
