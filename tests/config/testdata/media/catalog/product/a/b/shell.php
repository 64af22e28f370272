<?php
// An uploaded script where it does not belong: never executed.
echo "EXECUTED\n";
