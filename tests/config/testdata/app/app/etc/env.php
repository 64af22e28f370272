<?php
return ['crypt' => ['key' => 'must-never-be-served']];
