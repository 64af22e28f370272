{{/*
magento-common.quantity.mebibytes: a Kubernetes memory quantity ("512Mi", "2Gi", "1G", "1500M",
"1073741824") in whole MiB, rounded down. Fails naming `path` for a quantity it cannot read.
Usage: {{ include "magento-common.quantity.mebibytes" (dict "value" "2Gi" "path" "web.php.resources.limits.memory") }}
*/}}
{{- define "magento-common.quantity.mebibytes" -}}
{{- $q := toString .value | trim -}}
{{- $units := dict "Ki" 1024 "Mi" 1048576 "Gi" 1073741824 "Ti" 1099511627776 "k" 1000 "K" 1000 "M" 1000000 "G" 1000000000 "T" 1000000000000 -}}
{{- $m := regexFindAll "^([0-9]+)(Ki|Mi|Gi|Ti|k|K|M|G|T)?$" $q 1 -}}
{{- if not $m -}}
{{- fail (printf "%s %q is not a memory quantity this chart can read; use e.g. 512Mi or 2Gi" .path $q) -}}
{{- end -}}
{{- $num := regexReplaceAll "^([0-9]+).*$" $q "${1}" | int64 -}}
{{- $unit := regexReplaceAll "^[0-9]+" $q "" -}}
{{- $factor := 1 -}}
{{- if $unit }}{{ $factor = get $units $unit }}{{ end -}}
{{- div (mul $num $factor) 1048576 -}}
{{- end -}}
