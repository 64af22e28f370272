<?php
/**
 * db-state.php of the magento2 chart's upgrade Job: looks at the store's database through the
 * connection Magento itself uses (app/etc/env.php, db/connection/default, "host:port" or a socket
 * path as Magento's Pdo\Mysql adapter reads it) and prints one word: "empty" (no table at all: a
 * new store), "installed" (Magento's setup_module table is there) or "other" (tables, but not
 * Magento's). Exits 1 with the reason when the database cannot be reached.
 */
$config = include getcwd() . '/app/etc/env.php';
$db = $config['db']['connection']['default'] ?? null;
if (!is_array($db) || empty($db['host'])) {
    fwrite(STDERR, "db-state: app/etc/env.php has no db/connection/default/host\n");
    exit(1);
}
$host = $db['host'];
if (strpos($host, '/') !== false) {
    $dsn = 'mysql:unix_socket=' . $host;
} else {
    [$name, $port] = array_pad(explode(':', $host, 2), 2, '3306');
    $dsn = sprintf('mysql:host=%s;port=%d', $name, (int) $port);
}
try {
    $pdo = new PDO($dsn . ';dbname=' . $db['dbname'], $db['username'], $db['password'] ?? '', [
        PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION,
        PDO::ATTR_TIMEOUT => 10,
    ]);
    $tables = $pdo->query('SHOW TABLES')->fetchAll(PDO::FETCH_COLUMN);
} catch (PDOException $e) {
    fwrite(STDERR, 'db-state: ' . $e->getMessage() . "\n");
    exit(1);
}
$prefix = (string) ($config['db']['table_prefix'] ?? '');
if ($tables === []) {
    echo "empty\n";
} elseif (in_array($prefix . 'setup_module', $tables, true)) {
    echo "installed\n";
} else {
    echo "other\n";
}
