<?php
// Stub of Magento 2.4.8's pub/health_check.php (magento/magento2-base, pub/health_check.php): the
// same decisions on the same configuration (app/etc/env.php's db/connection and cache/frontend, as
// DeploymentConfig::get returns them): 500 when the file cannot be read, a database connection has
// no host, or a cache frontend with more than an id_prefix lacks its backend or backend options.
// The real one then connects to every database (Pdo\Mysql::getConnection) and asks every cache
// frontend's backend (Cm_Cache_Backend_Redis: connect, AUTH, SELECT, then test() = HGET of the
// key's mtime field) and answers 500 on the first failure. This one does that too when
// app/etc/stub.json says "health_check": "connect"; without it, it stops at the configuration
// (the config tier's web pods run without a database or Redis beside them, and so do most of the
// real-node tests' stores).
try {
    $config = include dirname(__DIR__) . '/app/etc/env.php';
} catch (\Throwable $e) {
    http_response_code(500);
    exit(1);
}
$stub = json_decode(@file_get_contents(dirname(__DIR__) . '/app/etc/stub.json') ?: '{}', true) ?: [];
$connect = ($stub['health_check'] ?? '') === 'connect';
$client = $connect ? include dirname(__DIR__) . '/app/stub/reach.php' : null;
$fail = static function (string $why): void {
    error_log('health_check: ' . $why);
    http_response_code(500);
    exit(1);
};
foreach ($config['db']['connection'] ?? [] as $name => $connection) {
    if (empty($connection['host'])) {
        $fail("database connection $name has no host");
    }
    if ($connect && strncmp($answer = $client['db']($connection), 'ok', 2) !== 0) {
        $fail("MySQL connection failed: $answer");
    }
}
foreach ($config['cache']['frontend'] ?? [] as $name => $cache) {
    if (count($cache) === 1 && isset($cache['id_prefix'])) {
        continue;
    }
    if (!isset($cache['backend'], $cache['backend_options'])) {
        $fail("cache frontend $name: configuration is invalid");
    }
    $o = $cache['backend_options'];
    if ($connect && isset($o['server'])) {
        $key = 'zc:k:' . ($cache['id_prefix'] ?? '') . 'TEST_CACHE_ID';
        $answer = $client['redis']($o['server'], $o['port'] ?? 6379, $o['database'] ?? 0, (string) ($o['password'] ?? ''), ['HGET', $key, 'm'], (float) ($o['timeout'] ?? 2.5));
        if (strncmp($answer, 'ok', 2) !== 0) {
            $fail("cache frontend $name: storage is not accessible: $answer");
        }
    }
}
echo "healthy\n";
