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
shared.redis.maxmemory: maxmemory of a Redis instance (an entry of shared.redis.instances) in
MiB: redis.maxmemoryPercent of its memory limit.
Usage: {{ include "shared.redis.maxmemory" (dict "context" $ "instance" $inst) }}
*/}}
{{- define "shared.redis.maxmemory" -}}
{{- $path := printf "%s.resources.limits.memory" .instance.path -}}
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

{{/*
shared.tenants: the tenants entries as a JSON list, each completed: name (default
"<namespace>-<release>"), index, namespace, release, cache and sessions (tenantDefaults under the
entry's own), secret (the password Secret here) and clientSecret (its copy in the tenant's
namespace, which the store charts read: magento-common.sharedServices). Fails naming the key when a
name is too long for its objects or used twice.
Usage: {{ range fromJsonArray (include "shared.tenants" $) }}
*/}}
{{- define "shared.tenants" -}}
{{- $ctx := . -}}
{{- $out := list -}}
{{- $names := dict -}}
{{- $pairs := dict -}}
{{- range $i, $t := .Values.tenants -}}
{{- $name := default (printf "%s-%s" $t.namespace $t.release) $t.name -}}
{{- if gt (len $name) 37 -}}
{{- fail (printf "tenants[%d]: the tenant name %q is longer than 37 characters (its objects are named \"<name>-redis-sessions-headless\"): set tenants[%d].name to a shorter one, and the store release's sharedServices.tenant to the same" $i $name $i) -}}
{{- end -}}
{{- if hasKey $names $name -}}
{{- fail (printf "tenants[%d]: the tenant name %q is used twice (also tenants[%s]): every store environment needs instances of its own" $i $name (get $names $name)) -}}
{{- end -}}
{{- $_ := set $names $name (toString $i) -}}
{{- $pair := printf "%s/%s" $t.namespace $t.release -}}
{{- if hasKey $pairs $pair -}}
{{- fail (printf "tenants[%d]: release %q in namespace %q is listed twice (also tenants[%s])" $i $t.release $t.namespace (get $pairs $pair)) -}}
{{- end -}}
{{- $_ := set $pairs $pair (toString $i) -}}
{{- $cache := mergeOverwrite (deepCopy $ctx.Values.tenantDefaults.cache) (deepCopy (default (dict) $t.cache)) -}}
{{- $sessions := mergeOverwrite (deepCopy $ctx.Values.tenantDefaults.sessions) (deepCopy (default (dict) $t.sessions)) -}}
{{- $out = append $out (dict "index" $i "name" $name "namespace" $t.namespace "release" $t.release "cache" $cache "sessions" $sessions "secret" (printf "%s-redis" $name) "clientSecret" (printf "%s-shared-services" $t.release)) -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{/*
shared.redis.instances: every Redis instance the release runs, as a JSON list of {name,
component, statefulSet, serviceName, maxmemoryPolicy, persistence, resources, path, tenant}: the
redis.instances entries (StatefulSet "<fullname>-redis-<name>", password redis.existingSecret),
then a cache and a sessions instance per tenant (StatefulSet and Service
"<tenant>-redis-cache|sessions", password the tenant's Secret). path is the values key that
configures it; tenant is "" for redis.instances entries.
Usage: {{ range fromJsonArray (include "shared.redis.instances" $) }}
*/}}
{{- define "shared.redis.instances" -}}
{{- $ctx := . -}}
{{- $out := list -}}
{{- if .Values.redis.enabled -}}
{{- range $i, $inst := .Values.redis.instances -}}
{{- $component := printf "redis-%s" $inst.name -}}
{{- $out = append $out (dict "name" $inst.name "component" $component "statefulSet" (include "shared.name" (dict "context" $ctx "component" $component)) "serviceName" $inst.serviceName "maxmemoryPolicy" $inst.maxmemoryPolicy "persistence" (default (dict) $inst.persistence) "resources" $inst.resources "path" (printf "redis.instances[%d]" $i) "tenant" "" "namespace" "" "secret" $ctx.Values.redis.existingSecret "secretKey" $ctx.Values.redis.existingSecretKey) -}}
{{- end -}}
{{- range $t := fromJsonArray (include "shared.tenants" $ctx) -}}
{{- range $which := list "cache" "sessions" -}}
{{- $spec := index $t $which -}}
{{- $name := printf "%s-redis-%s" $t.name $which -}}
{{- $persistence := dict "enabled" false -}}
{{- $policy := "noeviction" -}}
{{- if eq $which "sessions" -}}
{{- $persistence = merge (dict "enabled" true) $spec.persistence -}}
{{- else -}}
{{- $policy = $spec.maxmemoryPolicy -}}
{{- end -}}
{{- $out = append $out (dict "name" (printf "%s-%s" $t.name $which) "component" $name "statefulSet" $name "serviceName" $name "maxmemoryPolicy" $policy "persistence" $persistence "resources" $spec.resources "path" (printf "tenants[%d].%s" (int $t.index) $which) "tenant" $t.name "namespace" $t.namespace "secret" $t.secret "secretKey" "password") -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{/*
shared.tenants.namespaces: the tenants' namespaces, each once, sorted, as a JSON list.
Usage: {{ range fromJsonArray (include "shared.tenants.namespaces" $) }}
*/}}
{{- define "shared.tenants.namespaces" -}}
{{- $seen := dict -}}
{{- range .Values.tenants -}}
{{- $_ := set $seen .namespace true -}}
{{- end -}}
{{- keys $seen | sortAlpha | toJson -}}
{{- end -}}

{{/*
shared.tenants.password: a tenant's Redis password: the one already stored in its Secret here
(kept for ever: the stores hold it), else a new random one, remembered for the rest of the render
so that the Secret and its copy in the tenant's namespace agree.
Usage: {{ include "shared.tenants.password" (dict "context" $ "tenant" $t) }}
*/}}
{{- define "shared.tenants.password" -}}
{{- $ctx := .context -}}
{{- $cache := $ctx.Values._tenantPasswords | default dict -}}
{{- if not (hasKey $cache .tenant.name) -}}
{{- $stored := "" -}}
{{- with (lookup "v1" "Secret" $ctx.Release.Namespace .tenant.secret) -}}
{{- $stored = index (default (dict) .data) "password" | default "" | b64dec -}}
{{- end -}}
{{- $_ := set $cache .tenant.name (dict "value" (default (randAlphaNum 40) $stored) "generated" (not $stored)) -}}
{{- $_ := set $ctx.Values "_tenantPasswords" $cache -}}
{{- end -}}
{{- toJson (get $cache .tenant.name) -}}
{{- end -}}
