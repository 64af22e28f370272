<?php
// Stub OpenMage front controller (config tier, and the real node's stub store): reports what
// OpenMage would read at bootstrap: app/etc/local.xml parsed as Mage::isInstalled() and
// Mage_Core_Model_Config::loadBase() parse it (simplexml), and the OPENMAGE_CONFIG* variables in
// $_ENV, the only place Mage_Core_Helper_EnvironmentConfigLoader::getEnv() looks (OpenMage 20.18.0).
// ?reach=1 also reaches what local.xml names as OpenMage does: the database with PDO
// (default_setup/connection, "host:port" split as Varien_Db_Adapter_Pdo_Mysql::_getHostInfo),
// the cache Redis (cache/backend_options: server, port, database, password) and the session Redis
// (redis_session: host, port, db, password), each with AUTH when it has a password, SELECT, PING.
$xml = simplexml_load_file(__DIR__ . '/app/etc/local.xml');
$env = array_filter($_ENV, static fn ($k) => str_starts_with($k, 'OPENMAGE_CONFIG'), ARRAY_FILTER_USE_KEY);
ksort($env);
$connection = $xml === false ? null : $xml->global->resources->default_setup->connection;
$reach = null;
if (isset($_GET['reach']) && $xml !== false) {
    $reach = [];
    try {
        [$host, $port] = array_pad(explode(':', (string) $connection->host, 2), 2, '3306');
        $pdo = new PDO(sprintf('mysql:host=%s;port=%d;dbname=%s', $host, (int) $port, (string) $connection->dbname),
            (string) $connection->username, (string) $connection->password, [PDO::ATTR_TIMEOUT => 3, PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]);
        $reach['db'] = 'ok ' . $pdo->query('SELECT VERSION()')->fetchColumn();
    } catch (Throwable $e) {
        $reach['db'] = 'error: ' . $e->getMessage();
    }
    $redis = static function (string $host, string $port, string $database, string $password): string {
        $socket = @fsockopen($host, (int) $port, $errno, $error, 3);
        if (!$socket) {
            return "error: $error";
        }
        $command = static function (array $args) use ($socket): string {
            $out = '*' . count($args) . "\r\n";
            foreach ($args as $a) {
                $out .= '$' . strlen($a) . "\r\n" . $a . "\r\n";
            }
            fwrite($socket, $out);
            return trim((string) fgets($socket));
        };
        $answers = $password === '' ? [] : [$command(['AUTH', $password])];
        $answers[] = $command(['SELECT', $database]);
        $answers[] = $command(['PING']);
        fclose($socket);
        return end($answers) === '+PONG' && !preg_grep('/^-/', $answers) ? 'PONG' : 'error: ' . implode(' ', $answers);
    };
    $cache = $xml->global->cache;
    $reach['cache'] = (string) $cache->backend === 'Cm_Cache_Backend_Redis'
        ? $redis((string) $cache->backend_options->server, (string) $cache->backend_options->port, (string) $cache->backend_options->database, (string) $cache->backend_options->password)
        : 'no redis';
    $session = $xml->global->redis_session;
    $reach['session'] = (string) $xml->global->session_save === 'redis'
        ? $redis((string) $session->host, (string) $session->port, (string) $session->db, (string) $session->password)
        : 'no redis';
}
header('Content-Type: application/json');
echo json_encode([
    'entry' => 'index.php',
    'uri' => $_SERVER['REQUEST_URI'],
    'https' => $_SERVER['HTTPS'] ?? '',
    'installed' => $xml !== false && trim((string) $xml->global->install->date) !== '',
    'install_date' => $xml === false ? null : (string) $xml->global->install->date,
    'crypt_key' => $xml === false ? null : (string) $xml->global->crypt->key,
    'db' => $connection === null ? null : [
        'host' => (string) $connection->host,
        'password' => (string) $connection->password,
        'dbname' => (string) $connection->dbname,
    ],
    'skip_process_modules_updates' => $xml === false ? null : (string) $xml->global->skip_process_modules_updates,
    'admin_path' => $xml === false ? null : (string) $xml->admin->routers->adminhtml->args->frontName,
    'env' => (object) $env,
    'reach' => $reach,
]);
