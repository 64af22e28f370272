<?php
// Stub OpenMage front controller (config tier): reports what OpenMage would read at bootstrap:
// app/etc/local.xml parsed as Mage::isInstalled() and Mage_Core_Model_Config::loadBase() parse it
// (simplexml), and the OPENMAGE_CONFIG* variables in $_ENV, the only place
// Mage_Core_Helper_EnvironmentConfigLoader::getEnv() looks (OpenMage 20.18.0).
$xml = simplexml_load_file(__DIR__ . '/app/etc/local.xml');
$env = array_filter($_ENV, static fn ($k) => str_starts_with($k, 'OPENMAGE_CONFIG'), ARRAY_FILTER_USE_KEY);
ksort($env);
header('Content-Type: application/json');
echo json_encode([
    'entry' => 'index.php',
    'uri' => $_SERVER['REQUEST_URI'],
    'https' => $_SERVER['HTTPS'] ?? '',
    'installed' => $xml !== false && trim((string) $xml->global->install->date) !== '',
    'install_date' => $xml === false ? null : (string) $xml->global->install->date,
    'crypt_key' => $xml === false ? null : (string) $xml->global->crypt->key,
    'db' => $xml === false ? null : [
        'host' => (string) $xml->global->resources->default_setup->connection->host,
        'password' => (string) $xml->global->resources->default_setup->connection->password,
        'dbname' => (string) $xml->global->resources->default_setup->connection->dbname,
    ],
    'skip_process_modules_updates' => $xml === false ? null : (string) $xml->global->skip_process_modules_updates,
    'env' => (object) $env,
]);
