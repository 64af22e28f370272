#!/usr/bin/env bash
# Regenerates every chart's values.schema.json and README values table from
# the comments in its values.yaml (see tools/chartdoc).
#
# Usage: scripts/update-generated.sh [--check]
#   --check  write nothing; exit 1 if a generated file is stale
#            (scripts/verify-generated.sh wraps this for CI).
# Works from any directory. Exit codes are chartdoc's: 0 ok, 1 stale, 2 error.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

# Every chart directory: charts/*, magento2, magento1 and shared-services,
# whichever exist and hold a Chart.yaml.
charts=()
for chart_yaml in charts/*/Chart.yaml {magento2,magento1,shared-services}/Chart.yaml; do
  if [[ -f $chart_yaml ]]; then # also drops an unmatched charts/* pattern
    charts+=("${chart_yaml%/Chart.yaml}")
  fi
done

if ((${#charts[@]} == 0)); then
  echo "no charts found under $repo_root" >&2
  exit 0
fi

# Build once instead of "go run": go run turns every failure into exit 1,
# which would hide the difference between "stale" and "broken".
bin_dir="$(mktemp -d)"
trap 'rm -rf "$bin_dir"' EXIT
go build -o "$bin_dir/chartdoc" ./tools/chartdoc

"$bin_dir/chartdoc" "$@" "${charts[@]}"
