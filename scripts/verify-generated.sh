#!/usr/bin/env bash
# Fails when a chart's values.schema.json or README values table does not
# match its values.yaml. Works from any directory.
set -uo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

"$script_dir/update-generated.sh" --check
status=$?
if ((status == 1)); then
  echo "generated files are stale: run scripts/update-generated.sh" >&2
fi
exit "$status"
