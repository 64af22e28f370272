<?php
// The stub store's clients of the services env.php names, reaching them as Magento does: the
// database with PDO (a db/connection entry, "host:port"), a Redis with AUTH when it has a password
// and SELECT of its database (Cm_Cache_Backend_Redis::_applyClientOptions, Cm_RedisSession), then
// one command. Each answers "ok ..." or "error: ...". Included by pub/index.php (?reach=1) and
// pub/health_check.php.
return [
    'db' => static function (array $connection): string {
        try {
            [$host, $port] = array_pad(explode(':', (string) ($connection['host'] ?? ''), 2), 2, '3306');
            $pdo = new PDO(
                sprintf('mysql:host=%s;port=%d;dbname=%s', $host, (int) $port, $connection['dbname'] ?? ''),
                $connection['username'] ?? '',
                $connection['password'] ?? '',
                [PDO::ATTR_TIMEOUT => 3, PDO::ATTR_ERRMODE => PDO::ERRMODE_EXCEPTION]
            );
            return 'ok ' . $pdo->query('SELECT VERSION()')->fetchColumn();
        } catch (\Throwable $e) {
            return 'error: ' . $e->getMessage();
        }
    },
    'redis' => static function (string $host, $port, $database, string $password, array $last = ['PING'], float $timeout = 3.0): string {
        $socket = @fsockopen($host, (int) $port, $errno, $error, $timeout);
        if (!$socket) {
            return "error: $error";
        }
        stream_set_timeout($socket, (int) ceil($timeout));
        $command = static function (array $args) use ($socket): string {
            $out = '*' . count($args) . "\r\n";
            foreach ($args as $a) {
                $out .= '$' . strlen((string) $a) . "\r\n" . $a . "\r\n";
            }
            fwrite($socket, $out);
            $reply = trim((string) fgets($socket));
            if ($reply !== '' && $reply[0] === '$' && (int) substr($reply, 1) >= 0) {
                fgets($socket); // a bulk string's body
            }
            return $reply;
        };
        $answers = [];
        if ($password !== '') {
            $answers[] = $command(['AUTH', $password]);
        }
        $answers[] = $command(['SELECT', (string) $database]);
        $answers[] = $command($last);
        fclose($socket);
        $failed = in_array('', $answers, true) || preg_grep('/^-/', $answers);
        return $failed ? 'error: ' . implode(' ', $answers) : 'ok ' . end($answers);
    },
];
