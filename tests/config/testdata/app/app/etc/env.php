<?php
// The image's own app/etc/env.php, as a build leaves it. The chart mounts its own over it, so
// nothing here may ever reach PHP: the tests check that the chart's values are what PHP reads.
return [
    'install' => ['date' => 'Mon, 01 Jan 2024 00:00:00 +0000'],
    'backend' => ['frontName' => 'image_build_admin'],
    'crypt' => ['key' => 'must-never-be-served'],
    'db' => ['connection' => ['default' => ['host' => 'build-time-db', 'dbname' => 'build', 'username' => 'build', 'password' => 'build']]],
];
