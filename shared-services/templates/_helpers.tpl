{{/*
shared.name: "<fullname>-<component>" (see magento-common.names.component).
Usage: {{ include "shared.name" (dict "context" $ "component" "opensearch") }}
*/}}
{{- define "shared.name" -}}
{{- include "magento-common.names.component" . -}}
{{- end -}}

{{/*
shared.metadata: metadata (name, namespace, labels, annotations) of an object.
Usage: {{- include "shared.metadata" (dict "context" $ "component" "opensearch" "name" $name) | nindent 2 }}
*/}}
{{- define "shared.metadata" -}}
{{- include "magento-common.labels.metadata" . -}}
{{- end -}}

{{/*
shared.pod: magento-common.pod.spec (no ServiceAccount of its own: the namespace's default,
without a token).
Usage: {{- include "shared.pod" (dict "context" $ "component" "opensearch" "values" .Values.opensearch "spread" true) | nindent 6 }}
*/}}
{{- define "shared.pod" -}}
{{- include "magento-common.pod.spec" . -}}
{{- end -}}

{{/*
shared.redis.maxmemory: maxmemory of a Redis instance in MiB: redis.maxmemoryPercent of its
memory limit.
Usage: {{ include "shared.redis.maxmemory" (dict "context" $ "instance" $i "index" 0) }}
*/}}
{{- define "shared.redis.maxmemory" -}}
{{- $path := printf "redis.instances[%d].resources.limits.memory" (int .index) -}}
{{- $limit := required (printf "%s is required: maxmemory is sized from it" $path) ((.instance.resources).limits).memory -}}
{{- div (mul (include "magento-common.quantity.mebibytes" (dict "value" $limit "path" $path) | int64) .context.Values.redis.maxmemoryPercent) 100 -}}
{{- end -}}

{{/*
shared.opensearch.heap: the JVM heap of an OpenSearch node in MiB: opensearch.heapPercent of its
memory limit.
Usage: {{ include "shared.opensearch.heap" $ }}
*/}}
{{- define "shared.opensearch.heap" -}}
{{- $limit := required "opensearch.resources.limits.memory is required: the JVM heap is sized from it" ((.Values.opensearch.resources).limits).memory -}}
{{- div (mul (include "magento-common.quantity.mebibytes" (dict "value" $limit "path" "opensearch.resources.limits.memory") | int64) .Values.opensearch.heapPercent) 100 -}}
{{- end -}}
