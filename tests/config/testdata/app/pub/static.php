<?php
// Stub of Magento's static.php: reports the request it was given.
header('Content-Type: application/json');
echo json_encode(['script' => 'static.php', 'uri' => $_SERVER['REQUEST_URI'] ?? null, 'query' => (object) $_GET]);
