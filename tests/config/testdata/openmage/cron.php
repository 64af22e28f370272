<?php
// Stub of OpenMage 20.18.0's cron.php (the config tier's): the same bootstrap, installation check
// and mode handling (getopt('m::'): -mdefault and -malways dispatch that mode's jobs in this
// process; without -m it starts cron.sh twice in the background and exits at once, which the chart
// must never do), the dispatch recorded by the stub Mage (var/stub-openmage.log), and a run that
// takes STUB_CRON_SECONDS (default 1) so a caller that does not wait for it shows; it says what
// it dispatched on its standard output (the real one prints nothing).
chdir(__DIR__);
require 'app/bootstrap.php';
require 'app/Mage.php';

if (!Mage::isInstalled()) {
    echo 'Application is not installed yet, please complete install wizard first.';
    exit;
}
try {
    Mage::app('admin')->setUseSessionInUrl(false);
} catch (Exception $exception) {
    Mage::printException($exception);
    exit;
}
$options = getopt('m::');
if (!isset($options['m'])) {
    Mage_Stub::record('background cron.sh');
    exit;
}
if ($options['m'] !== 'always' && $options['m'] !== 'default') {
    Mage::throwException('Unrecognized cron mode was defined');
}
Mage_Stub::record('dispatchEvent ' . $options['m'] . ' begin');
sleep((int) (getenv('STUB_CRON_SECONDS') ?: 1));
Mage::dispatchEvent($options['m']);
echo 'cron.php: dispatched ', $options['m'], "\n";
