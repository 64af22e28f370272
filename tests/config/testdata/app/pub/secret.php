<?php
// Not an entry point: nginx must never execute it.
echo "EXECUTED\n";
