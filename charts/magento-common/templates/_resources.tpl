{{/*
magento-common.resources: a container's resources block: the given one, with an ephemeral-storage
request and limit added where it sets none (the container's logs and writable layer; its emptyDir
volumes have their own sizeLimit), so that a runaway container is evicted instead of filling the
node's disk.
Usage: {{- include "magento-common.resources" (dict "resources" .Values.web.php.resources "storage" (list "64Mi" "2Gi")) | nindent 12 }}
*/}}
{{- define "magento-common.resources" -}}
{{- $r := deepCopy (default (dict) .resources) -}}
{{- $storage := default (list "64Mi" "1Gi") .storage -}}
{{- $requests := default (dict) $r.requests -}}
{{- $limits := default (dict) $r.limits -}}
{{- if not (hasKey $requests "ephemeral-storage") -}}{{- $_ := set $requests "ephemeral-storage" (index $storage 0) -}}{{- end -}}
{{- if not (hasKey $limits "ephemeral-storage") -}}{{- $_ := set $limits "ephemeral-storage" (index $storage 1) -}}{{- end -}}
{{- $_ := set $r "requests" $requests -}}
{{- $_ := set $r "limits" $limits -}}
{{- toYaml $r -}}
{{- end -}}
