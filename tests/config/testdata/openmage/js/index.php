<?php
echo "js index ran";
