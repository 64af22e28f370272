<?php
// Stub OpenMage media fallback (config tier).
header('Content-Type: text/plain');
echo "get.php " . $_SERVER['REQUEST_URI'] . "\n";
