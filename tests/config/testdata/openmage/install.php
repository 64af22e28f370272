<?php
echo "install.php ran";
