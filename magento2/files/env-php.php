<?php
// The magento2 chart's env.php evaluator (files/env-php.php), run by the web pod's env-php init
// container: includes the chart's app/etc/env.php ($argv[1]) once, with the container's
// environment (the web pod's: the env ConfigMap's variables, the passwords and the crypt key from
// Secrets), and writes the configuration it gives as a plain array ($argv[2]), in the form
// setup:install writes. The php-fpm workers then include a literal array that OPcache keeps
// compiled (about 0.3 µs an include) instead of running the chart's getenv() calls and JSON
// decoding on every request (about 26 µs: scripts/bench-web.sh shows what that costs a pod).
// An error of the chart's env.php (a variable missing) fails the init container: the pod never
// starts with half a configuration. The result is read back and must give the same array.
declare(strict_types=1);

if ($argc !== 3) {
    fwrite(STDERR, "usage: env-php.php CHART_ENV_PHP OUTPUT\n");
    exit(2);
}
try {
    $config = include $argv[1];
} catch (\Throwable $e) {
    fwrite(STDERR, 'env-php: ' . $argv[1] . ': ' . $e->getMessage() . "\n");
    exit(1);
}
if (!is_array($config)) {
    fwrite(STDERR, 'env-php: ' . $argv[1] . " does not return an array\n");
    exit(1);
}
$php = "<?php\n// Written by the magento2 chart's env-php init container: its app/etc/env.php as evaluated\n"
    . "// in this pod's environment. Read-only; set the chart's values instead.\nreturn "
    . var_export($config, true) . ";\n";
$tmp = $argv[2] . '.tmp';
if (file_put_contents($tmp, $php) === false || !chmod($tmp, 0o444) || !rename($tmp, $argv[2])) {
    fwrite(STDERR, 'env-php: cannot write ' . $argv[2] . "\n");
    exit(1);
}
if ((include $argv[2]) !== $config) {
    fwrite(STDERR, 'env-php: ' . $argv[2] . " does not give back the configuration\n");
    exit(1);
}
echo 'env-php: wrote ', $argv[2], ' (', count($config, COUNT_RECURSIVE), " entries)\n";
