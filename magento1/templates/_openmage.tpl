{{/*
The magento1 chart's own helpers: names, the store id, the Redis host and the crypt key. The
environment of every OpenMage container is in _openmage-env.tpl, app/etc/local.xml in
_local-xml.tpl, and the containers and hooks magento-common.web.deployment calls by the chart's
name in _openmage-containers.tpl.
*/}}

{{/*
magento1.name: "<fullname>-<component>".
Usage: {{ include "magento1.name" (dict "context" $ "component" "web") }}
*/}}
{{- define "magento1.name" -}}
{{- include "magento-common.names.component" . -}}
{{- end -}}

{{/*
magento1.storeId: a short stable id of this store environment (namespace + release): the default
cache id_prefix, so environments sharing a Redis never share keys.
Usage: {{ include "magento1.storeId" $ }}
*/}}
{{- define "magento1.storeId" -}}
{{- regexReplaceAll "[^a-z0-9_]" (printf "%s_%s" .Release.Namespace .Release.Name | lower) "_" | trunc 40 -}}
{{- end -}}

{{/*
magento1.redisHost: the host of the cache's ("cache") or the sessions' ("sessions") Redis: the
value set, else the ExternalName Service (with "hook" true its target: the hook runs before the
release's Services exist on a first install). Fails naming the keys when none is set.
Usage: {{ include "magento1.redisHost" (dict "context" $ "which" "cache" "hook" false) }}
*/}}
{{- define "magento1.redisHost" -}}
{{- include "magento-common.sharedServices.resolve" .context -}}
{{- $ctx := .context -}}
{{- $r := $ctx.Values.magento.redis -}}
{{- $ext := $ctx.Values.externalServices -}}
{{- $svc := "" -}}
{{- $host := $r.host -}}
{{- if eq .which "sessions" -}}
{{- $host = coalesce $r.sessionHost $r.host -}}
{{- if and (not $host) $ext.redisSessions.enabled -}}{{- $svc = "redisSessions" -}}{{- end -}}
{{- end -}}
{{- if and (not $host) (not $svc) $ext.redis.enabled -}}{{- $svc = "redis" -}}{{- end -}}
{{- if $host -}}
{{- $host -}}
{{- else if $svc -}}
{{- if .hook -}}
{{- (index $ext $svc).externalName | trimSuffix "." -}}
{{- else -}}
{{- include "magento1.name" (dict "context" $ctx "component" (ternary "redis-sessions" "redis" (eq $svc "redisSessions"))) -}}
{{- end -}}
{{- else -}}
{{- fail "magento.redis.host is empty and externalServices.redis.enabled is false: set one of them (or magento.redis.enabled false)" -}}
{{- end -}}
{{- end -}}

{{/*
magento1.cryptKey.ref: the Secret and key of the crypt key as "name:key": magento.cryptKey.existingSecret,
else the chart's "<fullname>-crypt-key".
Usage: {{ include "magento1.cryptKey.ref" $ }}
*/}}
{{- define "magento1.cryptKey.ref" -}}
{{- $c := .Values.magento.cryptKey -}}
{{- if $c.existingSecret -}}
{{- printf "%s:%s" $c.existingSecret $c.existingSecretKey -}}
{{- else -}}
{{- printf "%s:crypt-key" (include "magento1.name" (dict "context" . "component" "crypt-key")) -}}
{{- end -}}
{{- end -}}

{{/*
magento1.cryptKey.value: the crypt key the chart keeps when no existingSecret is given
(magento-common.secrets.kept): magento.cryptKey.value, else the stored key, else a new one; a value
that differs from the stored key is refused.
Usage: {{ include "magento1.cryptKey.value" $ }}
*/}}
{{- define "magento1.cryptKey.value" -}}
{{- $name := include "magento1.name" (dict "context" . "component" "crypt-key") -}}
{{- include "magento-common.secrets.kept" (dict "context" . "block" .Values.magento.cryptKey "secret" $name "key" "crypt-key" "length" 32 "path" "magento.cryptKey.value" "rotate" "a re-encryption of the stored data with the new key") -}}
{{- end -}}
