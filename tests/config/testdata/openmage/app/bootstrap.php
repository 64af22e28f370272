<?php
// Stub of OpenMage's app/bootstrap.php (20.18.0: disables the phar stream wrapper, libxml
// workarounds); the chart's files/setup.php and cron.php require it before app/Mage.php.
