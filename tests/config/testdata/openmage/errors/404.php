<?php
http_response_code(404);
echo "errors/404.php";
