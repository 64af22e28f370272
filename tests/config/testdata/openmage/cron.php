<?php
echo "cron.php ran";
