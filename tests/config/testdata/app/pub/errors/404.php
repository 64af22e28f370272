<?php
// Stub of Magento's 404 page.
http_response_code(404);
echo "stub 404 page\n";
