<?php
echo "api.php ran";
