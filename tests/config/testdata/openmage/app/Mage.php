<?php
echo "secret source";
