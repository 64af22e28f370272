{{/*
The store's side of the shared-services release's tenants: a store environment listed there
(namespace and release) has Redis instances of its own, "<tenant>-redis-cache" and
"<tenant>-redis-sessions" in the shared-services namespace, and their password as Secret
"<release>-shared-services" (key redis-password) in its own namespace. With default values the
store points at them; a store pointed at them without an allocation is refused at install.
*/}}

{{/*
magento-common.sharedServices.tenant: the store's tenant name: sharedServices.tenant, else
"<namespace>-<release>" (as the shared-services chart derives it); fails naming the key when it is
too long for the tenant's objects.
Usage: {{ include "magento-common.sharedServices.tenant" $ }}
*/}}
{{- define "magento-common.sharedServices.tenant" -}}
{{- $name := default (printf "%s-%s" .Release.Namespace .Release.Name) .Values.sharedServices.tenant -}}
{{- if gt (len $name) 37 -}}
{{- fail (printf "sharedServices.tenant: the tenant name %q is longer than 37 characters: give this store environment a shorter name in the shared-services release (tenants[].name) and set sharedServices.tenant to it" $name) -}}
{{- end -}}
{{- $name -}}
{{- end -}}

{{/*
magento-common.sharedServices.resolve: completes the store's values once per render (every reader
calls it first): an empty externalServices.redis / redisSessions externalName becomes the tenant's
instance, and when the cache Redis is the tenant's and neither magento.redis.password nor
existingSecret is set, magento.redis.existingSecret becomes the tenant's Secret. Records in
sharedServices._uses whether the store uses the tenant's instances.
Usage: {{- include "magento-common.sharedServices.resolve" $ -}}
*/}}
{{- define "magento-common.sharedServices.resolve" -}}
{{- $s := .Values.sharedServices -}}
{{- if not (hasKey $s "_uses") -}}
{{- $uses := false -}}
{{- $r := .Values.magento.redis -}}
{{- if $r.enabled -}}
{{- $tenant := include "magento-common.sharedServices.tenant" . -}}
{{- $ext := .Values.externalServices -}}
{{- range $key, $which := dict "redis" "cache" "redisSessions" "sessions" -}}
{{- $svc := index $ext $key -}}
{{- if and $svc.enabled (not $svc.externalName) -}}
{{- $_ := set $svc "externalName" (printf "%s-redis-%s.%s.svc.cluster.local" $tenant $which $s.namespace) -}}
{{- if not (or $r.host (and (eq $key "redisSessions") $r.sessionHost)) -}}
{{- $uses = true -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if and $uses (not (or $r.password $r.existingSecret)) -}}
{{- $_ := set $r "existingSecret" (printf "%s-shared-services" .Release.Name) -}}
{{- $_ := set $r "existingSecretKey" "redis-password" -}}
{{- end -}}
{{- end -}}
{{- $_ := set $s "_uses" $uses -}}
{{- end -}}
{{- end -}}

{{/*
magento-common.sharedServices.check: refuses a store that uses the tenant's instances when the
cluster holds no allocation for it (no Secret "<release>-shared-services" in its namespace), naming
what to add. Without a cluster (helm template, client dry-run) there is nothing to look up and
nothing is refused.
Usage: {{- include "magento-common.sharedServices.check" $ -}}
*/}}
{{- define "magento-common.sharedServices.check" -}}
{{- include "magento-common.sharedServices.resolve" . -}}
{{- if .Values.sharedServices._uses -}}
{{- /* Helm lists the release namespace's Secrets itself (its release records), so this needs no
permission Helm does not; the list has "items" only when a cluster answered. */ -}}
{{- $secrets := lookup "v1" "Secret" .Release.Namespace "" -}}
{{- if hasKey $secrets "items" -}}
{{- $want := printf "%s-shared-services" .Release.Name -}}
{{- $found := false -}}
{{- range $secrets.items -}}
{{- if eq .metadata.name $want -}}{{- $found = true -}}{{- end -}}
{{- end -}}
{{- if not $found -}}
{{- fail (printf "sharedServices.tenant: this store environment has no allocation on the shared services (no Secret %q in namespace %q): add {namespace: %s, release: %s} to the tenants of the shared-services release in namespace %q and upgrade that release first; or point magento.redis.host (or externalServices.redis.externalName) at a Redis of this store's own" $want .Release.Namespace .Release.Namespace .Release.Name .Values.sharedServices.namespace) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
