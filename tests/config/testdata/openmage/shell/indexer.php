<?php
echo "indexer ran";
