<?php
// Stub of Magento's health check (the real one checks the database and the cache).
echo "healthy\n";
