<?php
// The magento1 chart's readiness check (files/health_check.php; OpenMage has none), run in
// php-fpm's health pool: the database of app/etc/local.xml answers a query and, when local.xml
// configures them, the cache's and the sessions' Redis answer PING. It reads local.xml's nodes as
// OpenMage does (simplexml; host:port as Varien_Db_Adapter_Pdo_Mysql::_getHostInfo parses it) and
// never boots Mage: no config cache rebuild, no core_config_cache_save_lock.
declare(strict_types=1);

function fail(string $what): never
{
    http_response_code(503);
    header('Content-Type: text/plain');
    echo "unhealthy: $what\n";
    exit;
}

function redisPing(string $host, int $port, string $password): ?string
{
    $socket = @fsockopen($host, $port, $errno, $errstr, 2.0);
    if ($socket === false) {
        return "$host:$port: $errstr";
    }
    stream_set_timeout($socket, 2);
    if ($password !== '') {
        fwrite($socket, sprintf("*2\r\n$4\r\nAUTH\r\n$%d\r\n%s\r\n", strlen($password), $password));
        $auth = (string) fgets($socket);
        if (!str_starts_with($auth, '+OK')) {
            fclose($socket);
            return "$host:$port: AUTH " . trim($auth);
        }
    }
    fwrite($socket, "*1\r\n$4\r\nPING\r\n");
    $reply = (string) fgets($socket);
    fclose($socket);
    return str_starts_with($reply, '+PONG') ? null : "$host:$port: PING " . trim($reply);
}

// nginx passes the store's root as DOCUMENT_ROOT (php-fpm runs a script in its own directory).
$local = @simplexml_load_file(($_SERVER['DOCUMENT_ROOT'] ?? getcwd()) . '/app/etc/local.xml');
if ($local === false) {
    fail('app/etc/local.xml is missing or not XML');
}
$c = $local->global->resources->default_setup->connection;
$host = (string) $c->host;
$port = 3306;
if (!str_contains($host, '/') && preg_match('/^(.*):(\d+)$/', $host, $m)) {
    [$host, $port] = [$m[1], (int) $m[2]];
}
try {
    $dsn = str_contains($host, '/') ? "mysql:unix_socket=$host;dbname={$c->dbname}" : "mysql:host=$host;port=$port;dbname={$c->dbname}";
    $pdo = new PDO($dsn, (string) $c->username, (string) $c->password, [PDO::ATTR_TIMEOUT => 2, PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
    $pdo->query('SELECT 1')->fetchColumn();
} catch (Throwable $e) {
    fail('database: ' . $e->getMessage());
}
if ((string) $local->global->cache->backend === 'Cm_Cache_Backend_Redis') {
    $o = $local->global->cache->backend_options;
    if ($error = redisPing((string) $o->server, (int) $o->port, (string) $o->password)) {
        fail("cache Redis $error");
    }
}
if ((string) $local->global->session_save === 'redis') {
    $s = $local->global->redis_session;
    if ($error = redisPing((string) $s->host, (int) $s->port, (string) $s->password)) {
        fail("sessions Redis $error");
    }
}
header('Content-Type: text/plain');
echo "ok\n";
