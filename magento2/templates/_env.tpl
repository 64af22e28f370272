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
{{- with (include "magento2.baseUrl" $ctx) -}}
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

{{/*
magento2.env.secretData: the secret values the chart stores itself (those without an
existingSecret), as a dict of Secret keys; with "hook" true it also holds the chart-managed crypt
key (the upgrade hook runs before the release's own Secrets exist on a first install).
Usage: {{ include "magento2.env.secretData" (dict "context" $ "hook" false) | fromYaml }}
*/}}
{{- define "magento2.env.secretData" -}}
{{- $ctx := .context -}}
{{- $m := $ctx.Values.magento -}}
{{- $data := dict -}}
{{- if not $m.database.existingSecret -}}{{- $_ := set $data "db-password" $m.database.password -}}{{- end -}}
{{- if and $m.redis.enabled $m.redis.password (not $m.redis.existingSecret) -}}{{- $_ := set $data "redis-password" $m.redis.password -}}{{- end -}}
{{- if and $m.search.password (not $m.search.existingSecret) -}}{{- $_ := set $data "search-password" $m.search.password -}}{{- end -}}
{{- if and $m.amqp.enabled (not $m.amqp.existingSecret) -}}{{- $_ := set $data "amqp-password" $m.amqp.password -}}{{- end -}}
{{- if and .hook (not $m.cryptKey.existingSecret) -}}{{- $_ := set $data "crypt-key" (include "magento2.cryptKey.value" $ctx) -}}{{- end -}}
{{- toYaml $data -}}
{{- end -}}

{{/*
magento2.env.secretRef: a valueFrom.secretKeyRef for one secret value: the block's existingSecret
and key, else the chart's env Secret (or the upgrade hook's copy) and `key`.
Usage: {{ include "magento2.env.secretRef" (dict "context" $ "block" $m.redis "key" "redis-password" "hook" false) }}
*/}}
{{- define "magento2.env.secretRef" -}}
{{- $ctx := .context -}}
{{- if .block.existingSecret -}}
secretKeyRef:
  name: {{ .block.existingSecret }}
  key: {{ .block.existingSecretKey }}
{{- else -}}
secretKeyRef:
  name: {{ include "magento2.name" (dict "context" $ctx "component" (ternary "upgrade-env" "env" (default false .hook))) }}
  key: {{ .key }}
{{- end -}}
{{- end -}}

{{/*
magento2.env.vars: the env and envFrom of a Magento container (web php-fpm, cron, consumers,
upgrade): the env ConfigMap, every secret value by reference, magento.extraEnv plus the
container's own extraEnv, and PHP_INI_SCAN_DIR for the chart's php.ini. With "hook" true the
upgrade hook's copies of the ConfigMap and Secret are used.
Usage: {{- include "magento2.env.vars" (dict "context" $ "hook" false "extraEnv" .Values.cron.extraEnv) | nindent 10 }}
*/}}
{{- define "magento2.env.vars" -}}
{{- $ctx := .context -}}
{{- $m := $ctx.Values.magento -}}
{{- $hook := default false .hook -}}
{{- $envName := include "magento2.name" (dict "context" $ctx "component" (ternary "upgrade-env" "env" $hook)) -}}
envFrom:
  - configMapRef:
      name: {{ $envName }}
  {{- range $m.extraEnvFromSecrets }}
  - secretRef:
      name: {{ . }}
  {{- end }}
env:
  # The image's own ini directory, then the chart's php.ini (the same for every PHP process).
  - name: PHP_INI_SCAN_DIR
    value: {{ printf ":%s" (include "magento2.php.iniDir" $ctx) | quote }}
  - name: MAGENTO_DB_PASSWORD
    valueFrom:
      {{- include "magento2.env.secretRef" (dict "context" $ctx "block" $m.database "key" "db-password" "hook" $hook) | nindent 6 }}
  - name: MAGENTO_CRYPT_KEY
    valueFrom:
      {{- if or $m.cryptKey.existingSecret (not $hook) }}
      {{- $ref := splitList ":" (include "magento2.cryptKey.ref" $ctx) }}
      secretKeyRef:
        name: {{ index $ref 0 }}
        key: {{ index $ref 1 }}
      {{- else }}
      secretKeyRef:
        name: {{ $envName }}
        key: crypt-key
      {{- end }}
  {{- if and $m.redis.enabled (or $m.redis.password $m.redis.existingSecret) }}
  {{- range $name := list "MAGENTO_REDIS_PASSWORD" "MAGENTO_SESSION_REDIS_PASSWORD" }}
  - name: {{ $name }}
    valueFrom:
      {{- include "magento2.env.secretRef" (dict "context" $ctx "block" $m.redis "key" "redis-password" "hook" $hook) | nindent 6 }}
  {{- end }}
  {{- end }}
  {{- if or $m.search.password $m.search.existingSecret }}
  - name: MAGENTO_SEARCH_PASSWORD
    valueFrom:
      {{- include "magento2.env.secretRef" (dict "context" $ctx "block" $m.search "key" "search-password" "hook" $hook) | nindent 6 }}
  {{- end }}
  {{- if $m.amqp.enabled }}
  - name: MAGENTO_AMQP_PASSWORD
    valueFrom:
      {{- include "magento2.env.secretRef" (dict "context" $ctx "block" $m.amqp "key" "amqp-password" "hook" $hook) | nindent 6 }}
  {{- end }}
  {{- with $m.extraEnv }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
  {{- with .extraEnv }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}

{{/*
magento2.appEtc.data: the data of the app-etc ConfigMap (and of the upgrade hook's copy): the
chart's app/etc/env.php (files/env.php), the php.ini of every PHP process, and the upgrade Job's
scripts (files/upgrade.sh, files/db-state.php).
Usage: data: {{- include "magento2.appEtc.data" $ | nindent 2 }}
*/}}
{{- define "magento2.appEtc.data" -}}
env.php: |
  {{- .Files.Get "files/env.php" | nindent 2 }}
php.ini: |
  {{- include "magento2.php.ini" . | nindent 2 }}
upgrade.sh: |
  {{- .Files.Get "files/upgrade.sh" | nindent 2 }}
db-state.php: |
  {{- .Files.Get "files/db-state.php" | nindent 2 }}
{{- end -}}
