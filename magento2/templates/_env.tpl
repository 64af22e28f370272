{{/*
The environment of every Magento container and the app/etc/env.php that reads it
(files/env.php). Variable names never contain "MAGENTO_DC_": Magento's DeploymentConfig would take
any such variable as a flat override of env.php (framework/App/DeploymentConfig.php).
*/}}

{{/*
magento2.storeId: a short stable id of this store environment (namespace + release), used for the
default cache id_prefix and search index prefix so environments sharing Redis or OpenSearch never
share keys or indexes.
Usage: {{ include "magento2.storeId" $ }}
*/}}
{{- define "magento2.storeId" -}}
{{- regexReplaceAll "[^a-z0-9_]" (printf "%s_%s" .Release.Namespace .Release.Name | lower) "_" | trunc 40 -}}
{{- end -}}

{{/*
magento2.host: the host a Magento connection uses: the block's host, else the ExternalName Service
of the matching externalServices entry. With "hook" true (the upgrade hook, which runs before the
release's ExternalName Services exist on a first install) the Service's target name instead.
Fails naming both keys when neither is set.
Usage: {{ include "magento2.host" (dict "context" $ "block" "redis" "hook" false) }}
*/}}
{{- define "magento2.host" -}}
{{- include "magento-common.sharedServices.resolve" .context -}}
{{- $ctx := .context -}}
{{- $m := index $ctx.Values.magento .block -}}
{{- $ext := index $ctx.Values.externalServices .block -}}
{{- if $m.host -}}
{{- $m.host -}}
{{- else if and $ext.enabled .hook -}}
{{- $ext.externalName | trimSuffix "." -}}
{{- else if $ext.enabled -}}
{{- include "magento2.name" (dict "context" $ctx "component" .block) -}}
{{- else -}}
{{- fail (printf "magento.%s.host is empty and externalServices.%s.enabled is false: set one of them" .block .block) -}}
{{- end -}}
{{- end -}}

{{/*
magento2.tree: a dict of "/"-separated paths to values as one nested JSON object
({"a/b": 1, "a/c": "x"} gives {"a":{"b":1,"c":"x"}}); values keep their types. Fails naming
`path` when one key is both a value and a section.
Usage: {{ include "magento2.tree" (dict "paths" .Values.magento.deploymentConfig "path" "magento.deploymentConfig") }}
*/}}
{{- define "magento2.tree" -}}
{{- $tree := dict -}}
{{- range $key := keys .paths | sortAlpha -}}
{{- $node := $tree -}}
{{- $parts := splitList "/" (trimAll "/" $key) -}}
{{- range $part := initial $parts -}}
{{- if not (hasKey $node $part) -}}
{{- $_ := set $node $part (dict) -}}
{{- end -}}
{{- if not (kindIs "map" (get $node $part)) -}}
{{- fail (printf "%s: %q is a value and also a section (%s)" $.path $part $key) -}}
{{- end -}}
{{- $node = get $node $part -}}
{{- end -}}
{{- if kindIs "map" (get $node (last $parts)) -}}
{{- fail (printf "%s: %q is a section and also a value" $.path $key) -}}
{{- end -}}
{{- $_ := set $node (last $parts) (get $.paths $key) -}}
{{- end -}}
{{- toJson $tree -}}
{{- end -}}

{{/*
magento2.env.config: the non-secret environment of every Magento container, as a dict (the data
of the env ConfigMap), read by files/env.php: mode, admin path, database, cache and sessions,
search, queue, Varnish hosts, base URL, cron groups and the extra deploymentConfig / systemConfig.
With "hook" true the hosts are those the upgrade hook reaches before the release's Services exist.
Usage: {{ include "magento2.env.config" (dict "context" $ "hook" false) | fromYaml }}
*/}}
{{- define "magento2.env.config" -}}
{{- include "magento-common.sharedServices.resolve" .context -}}
{{- $ctx := .context -}}
{{- $hook := .hook | default false -}}
{{- $m := $ctx.Values.magento -}}
{{- $env := dict "MAGE_MODE" $m.mode "MAGENTO_ADMIN_PATH" $m.adminPath "MAGENTO_PHP" $m.phpCli -}}
{{- $_ := set $env "MAGENTO_DB_HOST" (printf "%s:%d" $m.database.host ($m.database.port | int)) -}}
{{- $_ := set $env "MAGENTO_DB_NAME" $m.database.name -}}
{{- $_ := set $env "MAGENTO_DB_USER" $m.database.user -}}
{{- $_ := set $env "MAGENTO_CACHE_ID_PREFIX" (default (printf "%s_" (include "magento2.storeId" $ctx)) $m.redis.idPrefix) -}}
{{- if $m.redis.enabled -}}
{{- $host := include "magento2.host" (dict "context" $ctx "block" "redis" "hook" $hook) -}}
{{- $_ := set $env "MAGENTO_REDIS_HOST" $host -}}
{{- $_ := set $env "MAGENTO_REDIS_PORT" (toString $m.redis.port) -}}
{{- $_ := set $env "MAGENTO_REDIS_CACHE_DB" (toString $m.redis.cacheDatabase) -}}
{{- $_ := set $env "MAGENTO_REDIS_PAGE_CACHE_DB" (toString $m.redis.pageCacheDatabase) -}}
{{- $sessionHost := $host -}}
{{- $sessionPort := $m.redis.port -}}
{{- if $m.redis.sessionHost -}}
{{- $sessionHost = $m.redis.sessionHost -}}
{{- $sessionPort = $m.redis.sessionPort -}}
{{- else if and (not $m.redis.host) $ctx.Values.externalServices.redisSessions.enabled -}}
{{- $sessionHost = ternary ($ctx.Values.externalServices.redisSessions.externalName | trimSuffix ".") (include "magento2.name" (dict "context" $ctx "component" "redis-sessions")) $hook -}}
{{- $sessionPort = $m.redis.sessionPort -}}
{{- end -}}
{{- $_ := set $env "MAGENTO_SESSION_REDIS_HOST" $sessionHost -}}
{{- $_ := set $env "MAGENTO_SESSION_REDIS_PORT" (toString $sessionPort) -}}
{{- $_ := set $env "MAGENTO_SESSION_REDIS_DB" (toString $m.redis.sessionDatabase) -}}
{{- end -}}
{{- if $m.amqp.enabled -}}
{{- $_ := set $env "MAGENTO_AMQP_HOST" (include "magento2.host" (dict "context" $ctx "block" "amqp" "hook" $hook)) -}}
{{- $_ := set $env "MAGENTO_AMQP_PORT" (toString $m.amqp.port) -}}
{{- $_ := set $env "MAGENTO_AMQP_USER" $m.amqp.user -}}
{{- $_ := set $env "MAGENTO_AMQP_VIRTUALHOST" $m.amqp.virtualhost -}}
{{- end -}}
{{- if $ctx.Values.varnish.enabled -}}
{{- /* Every Varnish pod by its stable name, on its purge port: Magento purges each one. */ -}}
{{- $hosts := list -}}
{{- range $i := until (int $ctx.Values.varnish.replicas) -}}
{{- $hosts = append $hosts (printf "%s-%d.%s:%d" (include "magento2.name" (dict "context" $ctx "component" "varnish")) $i (include "magento2.varnish.headless" $ctx) (int $ctx.Values.varnish.purgePort)) -}}
{{- end -}}
{{- $_ := set $env "MAGENTO_HTTP_CACHE_HOSTS" (join " " $hosts) -}}
{{- $_ := set $env "MAGENTO_FULL_PAGE_CACHE_APPLICATION" "2" -}}
{{- end -}}
{{- $s := $m.search -}}
{{- $_ := set $env "MAGENTO_SEARCH_ENGINE" $s.engine -}}
{{- $_ := set $env "MAGENTO_SEARCH_HOST" (include "magento2.host" (dict "context" $ctx "block" "search" "hook" $hook)) -}}
{{- $_ := set $env "MAGENTO_SEARCH_PORT" (toString $s.port) -}}
{{- $_ := set $env "MAGENTO_SEARCH_INDEX_PREFIX" (default (include "magento2.storeId" $ctx) $s.indexPrefix) -}}
{{- $_ := set $env "MAGENTO_SEARCH_TIMEOUT" (toString $s.timeout) -}}
{{- with $s.username -}}
{{- $_ := set $env "MAGENTO_SEARCH_USERNAME" . -}}
{{- end -}}
{{- with (include "magento-common.web.baseUrl" $ctx) -}}
{{- $_ := set $env "MAGENTO_BASE_URL" . -}}
{{- end -}}
{{- $groups := list -}}
{{- if $ctx.Values.cron.enabled -}}
{{- range $ctx.Values.cron.jobs -}}
{{- $groups = concat $groups (default list .groups) -}}
{{- end -}}
{{- end -}}
{{- with ($groups | uniq | sortAlpha) -}}
{{- $_ := set $env "MAGENTO_CRON_IN_PROCESS_GROUPS" (join " " .) -}}
{{- end -}}
{{- with $m.deploymentConfig -}}
{{- $_ := set $env "MAGENTO_DEPLOYMENT_CONFIG" (include "magento2.tree" (dict "paths" . "path" "magento.deploymentConfig")) -}}
{{- end -}}
{{- with $m.systemConfig -}}
{{- $_ := set $env "MAGENTO_SYSTEM_CONFIG" (dict "default" (include "magento2.tree" (dict "paths" . "path" "magento.systemConfig") | fromJson) | toJson) -}}
{{- end -}}
{{- toYaml $env -}}
{{- end -}}
