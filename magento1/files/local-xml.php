<?php
// The magento1 chart's local.xml renderer (files/local-xml.php), run by the local-xml init
// container of every OpenMage pod: fills the ${NAME} placeholders of the chart's template ($argv[1])
// from the environment (the passwords and the crypt key, from Secrets), XML-escaped, and writes
// app/etc/local.xml ($argv[2]). Refuses a missing variable, a result that is not XML, and a
// local.xml without what Mage::isInstalled() and Mage_Core_Model_Encryption need.
declare(strict_types=1);

if ($argc !== 3) {
    fwrite(STDERR, "usage: local-xml.php TEMPLATE OUTPUT\n");
    exit(2);
}
$template = file_get_contents($argv[1]);
if ($template === false) {
    fwrite(STDERR, "local-xml: cannot read {$argv[1]}\n");
    exit(1);
}
$missing = [];
$xml = preg_replace_callback('/\$\{([A-Z][A-Z0-9_]*)\}/', static function (array $m) use (&$missing): string {
    $value = getenv($m[1]);
    if ($value === false) {
        $missing[] = $m[1];
        return '';
    }
    return htmlspecialchars($value, ENT_XML1 | ENT_QUOTES, 'UTF-8');
}, $template);
if ($missing) {
    fwrite(STDERR, 'local-xml: not in the environment: ' . implode(', ', array_unique($missing)) . "\n");
    exit(1);
}
libxml_use_internal_errors(true);
$doc = simplexml_load_string($xml);
if ($doc === false) {
    $errors = array_map(static fn ($e) => trim($e->message), libxml_get_errors());
    fwrite(STDERR, 'local-xml: the result is not XML: ' . implode('; ', $errors) . "\n");
    exit(1);
}
foreach (['global/install/date', 'global/crypt/key', 'global/resources/default_setup/connection/host'] as $path) {
    $node = $doc->xpath('/config/' . $path);
    if (!$node || trim((string) $node[0]) === '') {
        fwrite(STDERR, "local-xml: $path is empty\n");
        exit(1);
    }
}
$tmp = $argv[2] . '.tmp';
if (file_put_contents($tmp, $xml) === false || !rename($tmp, $argv[2])) {
    fwrite(STDERR, "local-xml: cannot write {$argv[2]}\n");
    exit(1);
}
