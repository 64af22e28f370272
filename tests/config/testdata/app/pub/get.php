<?php
// Stub of Magento's get.php: reports the request it was given.
header('Content-Type: application/json');
echo json_encode(['script' => 'get.php', 'uri' => $_SERVER['REQUEST_URI'] ?? null, 'query' => (object) $_GET]);
