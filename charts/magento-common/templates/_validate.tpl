{{/*
magento-common.validate.oneOf: fails unless `value` is one of `allowed`, naming the values key:
  web.codeSharing "rsync" is invalid; allowed: copy, image-volume
Usage: {{- include "magento-common.validate.oneOf" (dict "path" "web.codeSharing" "value" .Values.web.codeSharing "allowed" (list "copy" "image-volume")) }}
*/}}
{{- define "magento-common.validate.oneOf" -}}
{{- if not (has .value .allowed) -}}
{{- fail (printf "%s %q is invalid; allowed: %s" .path (toString .value) (join ", " .allowed)) -}}
{{- end -}}
{{- end -}}

{{/*
magento-common.validate.that: fails with "<path>: <message>" when `condition` is false.
Usage: {{- include "magento-common.validate.that" (dict "condition" (gt $n 0) "path" "web.php.fpm.maxChildren" "message" "must be at least 1") }}
*/}}
{{- define "magento-common.validate.that" -}}
{{- if not .condition -}}
{{- fail (printf "%s: %s" .path .message) -}}
{{- end -}}
{{- end -}}

{{/*
magento-common.validate.distinct: fails when two keys of `values` (a dict path → value) hold the
same value, naming both keys.
Usage: {{- include "magento-common.validate.distinct" (dict "values" (dict "a.db" 0 "b.db" 1) "what" "Redis database numbers") }}
*/}}
{{- define "magento-common.validate.distinct" -}}
{{- $seen := dict -}}
{{- range $path := keys .values | sortAlpha -}}
{{- $v := toString (get $.values $path) -}}
{{- if hasKey $seen $v -}}
{{- fail (printf "%s and %s must differ (%s): both are %s" (get $seen $v) $path $.what $v) -}}
{{- end -}}
{{- $_ := set $seen $v $path -}}
{{- end -}}
{{- end -}}
