#!/bin/sh
# a comment line, dropped

echo one
  # an indented comment, dropped
echo two # kept: not a whole-line comment
