<?php
// The magento1 chart's module setup (files/setup.php), run by the setup hook Job from the store's
// root: OpenMage has no command for it (shell/ holds none) and the chart never lets a web request
// run the setup scripts (local.xml's global/skip_process_modules_updates).
//   setup.php status   exit 0: every module's schema and data are at the version its config.xml
//                      declares; 10: updates are pending (listed); 3: OpenMage is not installed.
//   setup.php apply    what the admin's "Flush OpenMage Cache" does (Adminhtml CacheController::
//                      flushSystemAction, OpenMage 20.18.0): the config cache banned and rebuilt
//                      under core_config_cache_save_lock, Mage_Core_Model_Resource_Setup::
//                      applyAllUpdates() and applyAllDataUpdates(), the cache cleaned.
// The versions compared are those Mage_Core_Model_Resource_Setup::applyUpdates()/applyDataUpdates()
// compare: core_resource's version and data_version against <modules><Name><version>.
declare(strict_types=1);

$mode = $argv[1] ?? '';
if (!in_array($mode, ['status', 'apply'], true)) {
    fwrite(STDERR, "usage: setup.php status|apply\n");
    exit(2);
}
require 'app/bootstrap.php';
require 'app/Mage.php';

if (!Mage::isInstalled()) {
    fwrite(STDERR, "setup: OpenMage is not installed: app/etc/local.xml has no global/install/date\n");
    exit(3);
}
try {
    Mage::app('admin')->setUseSessionInUrl(false);
    $config = Mage::getConfig();
    $resource = Mage::getResourceSingleton('core/resource');
    $pending = [];
    foreach ($config->getNode('global/resources')->children() as $resName => $node) {
        if (!$node->setup) {
            continue;
        }
        $module = (string) $node->setup->module;
        $moduleConfig = $config->getModuleConfig($module);
        $version = $moduleConfig ? (string) $moduleConfig->version : '';
        if ($version === '') {
            continue;
        }
        $db = $resource->getDbVersion($resName);
        $data = $resource->getDataVersion($resName);
        if ($db === false || version_compare($version, $db) !== 0 || $data === false || version_compare($version, $data) > 0) {
            $pending[] = sprintf('%s (%s): schema %s, data %s, code %s', $resName, $module, $db === false ? '-' : $db, $data === false ? '-' : $data, $version);
        }
    }
} catch (Throwable $e) {
    // No tables yet (an empty database), or none reachable: not an installed store.
    fwrite(STDERR, 'setup: OpenMage is not installed or its database is unusable: ' . $e->getMessage() . "\n");
    exit(3);
}

if ($mode === 'status') {
    if (!$pending) {
        echo "setup: every module is up to date\n";
        exit(0);
    }
    echo "setup: updates pending:\n  " . implode("\n  ", $pending) . "\n";
    exit(10);
}

$app = Mage::app();
$app->getCacheInstance()->banUse('config');
$config->reinit();
$config->getCacheSaveLock(30, true);
try {
    $app->cleanCache();
    Mage_Core_Model_Resource_Setup::applyAllUpdates();
    Mage_Core_Model_Resource_Setup::applyAllDataUpdates();
    $app->getCacheInstance()->unbanUse('config');
    $config->saveCache();
} finally {
    $config->releaseCacheSaveLock();
}
echo 'setup: applied: ' . ($pending ? implode('; ', $pending) : 'nothing was pending') . "\n";
