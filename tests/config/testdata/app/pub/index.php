<?php
// Stub of Magento's front controller: reports what nginx and php-fpm handed to PHP.
header('Content-Type: application/json');
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
// ?sleep=N: a slow request (checkout with a slow payment provider, an admin export).
if (isset($_GET['sleep'])) {
    sleep((int) $_GET['sleep']);
}
$env = [];
foreach (getenv() as $name => $value) {
    if (strncmp($name, 'MAGENTO_DC_', 11) === 0 || strncmp($name, 'CONFIG__', 8) === 0 || $name === 'MAGE_MODE') {
        $env[$name] = $value;
    }
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
    'env' => (object) $env,
    'ini' => (object) $ini,
]);
