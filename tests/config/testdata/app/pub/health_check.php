<?php
// Stub of Magento 2.4.8's pub/health_check.php: the same decisions on the same configuration
// (app/etc/env.php's db/connection and cache/frontend, as DeploymentConfig::get returns them):
// 500 when the file cannot be read, a database connection has no host, or a cache frontend with
// more than an id_prefix lacks its backend or backend options. The real one then connects to each
// database and cache; no database or Redis runs beside the config tier's pods, so this one stops
// at the configuration.
try {
    $config = include dirname(__DIR__) . '/app/etc/env.php';
} catch (\Throwable $e) {
    http_response_code(500);
    exit(1);
}
foreach ($config['db']['connection'] ?? [] as $connection) {
    if (empty($connection['host'])) {
        http_response_code(500);
        exit(1);
    }
}
foreach ($config['cache']['frontend'] ?? [] as $cache) {
    if (count($cache) === 1 && isset($cache['id_prefix'])) {
        continue;
    }
    if (!isset($cache['backend'], $cache['backend_options'])) {
        http_response_code(500);
        exit(1);
    }
}
echo "healthy\n";
