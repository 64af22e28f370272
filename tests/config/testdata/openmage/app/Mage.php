<?php
// Stub of OpenMage 20.18.0's Mage (app/Mage.php) and of the models the chart's files/setup.php and
// OpenMage's cron.php call, for the config tier and the real node's stub store. What it reads it
// reads as OpenMage does: Mage::isInstalled() parses app/etc/local.xml and is true when
// global/install/date is set (app/Mage.php isInstalled()). The store's module state is
// app/etc/stub.json: {"resources": {"<res>_setup": {"module": "Mage_X", "code": "<config.xml
// version>", "db": "<core_resource.version>", "data": "<core_resource.data_version>"}},
// "database_error": "<message: the database is unusable>", "apply_error": "<message: an update
// script throws>", "apply_sleep": seconds}. Every call that changes the store is appended to
// var/stub-openmage.log as JSON (and the first Mage::app() of a process, as "app"): {"call", "maintenance" (the chart's flag, $MAINTENANCE_FLAG,
// present), "uid", "argv"}; an applied update moves "db"/"data" to "code" in var/stub-state.json.

final class Mage
{
    private static ?bool $installed = null;
    private static ?Mage_Core_Model_App $app = null;

    public static function root(): string
    {
        return dirname(__DIR__);
    }

    public static function isInstalled(): bool
    {
        if (self::$installed === null) {
            $file = self::root() . '/app/etc/local.xml';
            $xml = is_readable($file) ? simplexml_load_file($file) : false;
            self::$installed = $xml !== false && (string) $xml->global->install->date !== '';
        }
        return self::$installed;
    }

    public static function app(string $code = ''): Mage_Core_Model_App
    {
        if (self::$app !== null) {
            return self::$app;
        }
        Mage_Stub::record('app');
        $state = Mage_Stub::state();
        if (!empty($state['database_error'])) {
            throw new RuntimeException('SQLSTATE[HY000] [2002] ' . $state['database_error']);
        }
        return self::$app = new Mage_Core_Model_App();
    }

    public static function getConfig(): Mage_Core_Model_Config
    {
        return self::app()->config;
    }

    public static function getResourceSingleton(string $name): Mage_Core_Model_Resource_Resource
    {
        return new Mage_Core_Model_Resource_Resource();
    }

    public static function getSingleton(string $name): object
    {
        return new stdClass();
    }

    public static function getBaseDir(string $type = ''): string
    {
        return self::root() . ($type === '' ? '' : '/' . $type);
    }

    public static function dispatchEvent(string $name): void
    {
        Mage_Stub::record('dispatchEvent ' . $name);
    }

    public static function printException(Throwable $e): void
    {
        echo $e->getMessage(), "\n";
    }

    public static function throwException(string $message): never
    {
        throw new RuntimeException($message);
    }
}

final class Mage_Stub
{
    /** @return array<string, mixed> stub.json with the applied updates of var/stub-state.json over it */
    public static function state(): array
    {
        $state = json_decode(@file_get_contents(Mage::root() . '/app/etc/stub.json') ?: '{}', true) ?: [];
        $applied = json_decode(@file_get_contents(Mage::root() . '/var/stub-state.json') ?: '{}', true) ?: [];
        $state['resources'] = array_replace_recursive($state['resources'] ?? [], $applied);
        return $state;
    }

    public static function record(string $call): void
    {
        $flag = getenv('MAINTENANCE_FLAG') ?: Mage::root() . '/media/.maintenance.flag';
        file_put_contents(Mage::root() . '/var/stub-openmage.log', json_encode([
            'call' => $call,
            'maintenance' => file_exists($flag),
            'uid' => posix_getuid(),
            'argv' => array_slice($GLOBALS['argv'] ?? [], 1),
        ]) . "\n", FILE_APPEND | LOCK_EX);
    }
}

final class Mage_Core_Model_App
{
    public Mage_Core_Model_Config $config;
    private Mage_Core_Model_Cache $cache;

    public function __construct()
    {
        $this->config = new Mage_Core_Model_Config();
        $this->cache = new Mage_Core_Model_Cache();
    }

    public function setUseSessionInUrl(bool $flag): self
    {
        return $this;
    }

    public function getCacheInstance(): Mage_Core_Model_Cache
    {
        return $this->cache;
    }

    public function cleanCache(): void
    {
        Mage_Stub::record('cleanCache');
    }

    public function addEventArea(string $area): self
    {
        return $this;
    }
}

final class Mage_Core_Model_Cache
{
    public function banUse(string $type): void
    {
        Mage_Stub::record('banUse ' . $type);
    }

    public function unbanUse(string $type): void
    {
        Mage_Stub::record('unbanUse ' . $type);
    }
}

final class Mage_Core_Model_Config
{
    public function getNode(string $path): SimpleXMLElement
    {
        $xml = new SimpleXMLElement('<resources/>');
        foreach (Mage_Stub::state()['resources'] as $name => $r) {
            $xml->addChild($name)->addChild('setup')->addChild('module', $r['module']);
        }
        return $xml;
    }

    public function getModuleConfig(string $module): ?SimpleXMLElement
    {
        foreach (Mage_Stub::state()['resources'] as $r) {
            if ($r['module'] === $module) {
                return new SimpleXMLElement('<' . $module . '><version>' . $r['code'] . '</version></' . $module . '>');
            }
        }
        return null;
    }

    public function init(): self
    {
        return $this;
    }

    public function loadEventObservers(string $area): self
    {
        return $this;
    }

    public function reinit(): self
    {
        Mage_Stub::record('reinit');
        return $this;
    }

    public function getCacheSaveLock(int $waitTime = 0, bool $ignoreFailure = false): void
    {
        Mage_Stub::record('getCacheSaveLock');
    }

    public function releaseCacheSaveLock(): void
    {
        Mage_Stub::record('releaseCacheSaveLock');
    }

    public function saveCache(): self
    {
        Mage_Stub::record('saveCache');
        return $this;
    }
}

final class Mage_Core_Model_Resource_Resource
{
    public function getDbVersion(string $resName): string|false
    {
        return Mage_Stub::state()['resources'][$resName]['db'] ?? false;
    }

    public function getDataVersion(string $resName): string|false
    {
        return Mage_Stub::state()['resources'][$resName]['data'] ?? false;
    }
}

final class Mage_Core_Model_Resource_Setup
{
    public static function applyAllUpdates(): bool
    {
        self::apply('applyAllUpdates', 'db');
        return true;
    }

    public static function applyAllDataUpdates(): void
    {
        self::apply('applyAllDataUpdates', 'data');
    }

    private static function apply(string $call, string $field): void
    {
        $state = Mage_Stub::state();
        Mage_Stub::record($call);
        sleep((int) ($state['apply_sleep'] ?? 0));
        if (!empty($state['apply_error'])) {
            throw new RuntimeException($state['apply_error']);
        }
        $file = Mage::root() . '/var/stub-state.json';
        $applied = json_decode(@file_get_contents($file) ?: '{}', true) ?: [];
        foreach ($state['resources'] as $name => $r) {
            $applied[$name][$field] = $r['code'];
        }
        file_put_contents($file, json_encode($applied));
    }
}
