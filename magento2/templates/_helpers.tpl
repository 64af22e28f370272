{{/*
The magento2 chart's helpers: thin wrappers over the magento-common library, and what is specific
to Magento 2 (its environment, the php-fpm sizing, the pieces every Magento pod shares).
*/}}

{{/*
magento2.fullname: prefix of every object name.
Usage: {{ include "magento2.fullname" $ }}
*/}}
{{- define "magento2.fullname" -}}
{{- include "magento-common.names.fullname" . -}}
{{- end -}}

{{/*
magento2.name: "<fullname>-<component>" for an object of a component.
Usage: {{ include "magento2.name" (dict "context" $ "component" "web") }}
*/}}
{{- define "magento2.name" -}}
{{- include "magento-common.names.component" . -}}
{{- end -}}

{{/*
magento2.metadata: metadata (name, namespace, labels, annotations) of an object.
Usage: {{- include "magento2.metadata" (dict "context" $ "component" "web" "name" $name) | nindent 2 }}
*/}}
{{- define "magento2.metadata" -}}
{{- include "magento-common.labels.metadata" . -}}
{{- end -}}

{{/*
magento2.image: the app image reference.
Usage: {{ include "magento2.image" $ }}
*/}}
{{- define "magento2.image" -}}
{{- include "magento-common.images.image" (dict "context" . "image" .Values.image "path" "image") -}}
{{- end -}}

{{/*
magento2.nginxImage: the image of the nginx container: the app image with web.codeSharing
"app-image", else web.nginx.image.
Usage: {{ include "magento2.nginxImage" $ }}
*/}}
{{- define "magento2.nginxImage" -}}
{{- if eq .Values.web.codeSharing "app-image" -}}
{{- include "magento2.image" . -}}
{{- else -}}
{{- include "magento-common.images.image" (dict "context" . "image" .Values.web.nginx.image "path" "web.nginx.image") -}}
{{- end -}}
{{- end -}}

{{/*
magento2.envName: the variable name of a "/"-separated configuration path under a prefix:
"web/secure/base_url" with prefix "CONFIG__DEFAULT__" gives CONFIG__DEFAULT__WEB__SECURE__BASE_URL.
Usage: {{ include "magento2.envName" (dict "prefix" "MAGENTO_DC_" "path" "lock/provider") }}
*/}}
{{- define "magento2.envName" -}}
{{- printf "%s%s" .prefix (.path | trimAll "/" | replace "/" "__" | upper) -}}
{{- end -}}

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
of the matching externalServices entry. Fails naming both keys when neither is set.
Usage: {{ include "magento2.host" (dict "context" $ "block" "redis") }}
*/}}
{{- define "magento2.host" -}}
{{- $ctx := .context -}}
{{- $m := index $ctx.Values.magento .block -}}
{{- $ext := index $ctx.Values.externalServices .block -}}
{{- if $m.host -}}
{{- $m.host -}}
{{- else if $ext.enabled -}}
{{- include "magento2.name" (dict "context" $ctx "component" .block) -}}
{{- else -}}
{{- fail (printf "magento.%s.host is empty and externalServices.%s.enabled is false: set one of them" .block .block) -}}
{{- end -}}
{{- end -}}

{{/*
magento2.baseUrl: the public base URL: magento.baseUrl, else https:// (http:// without TLS) and the
first ingress host, else https:// and the first HTTPRoute host name; empty when none is known.
Usage: {{ include "magento2.baseUrl" $ }}
*/}}
{{- define "magento2.baseUrl" -}}
{{- if .Values.magento.baseUrl -}}
{{- .Values.magento.baseUrl -}}
{{- else if and .Values.ingress.enabled .Values.ingress.hosts -}}
{{- printf "%s://%s/" (ternary "https" "http" .Values.ingress.tls.enabled) (first .Values.ingress.hosts) -}}
{{- else if and .Values.httpRoute.enabled (include "magento2.httpRoute.hostnames" . | fromJsonArray) -}}
{{- printf "https://%s/" (first (include "magento2.httpRoute.hostnames" . | fromJsonArray)) -}}
{{- end -}}
{{- end -}}

{{/*
magento2.httpRoute.hostnames: the HTTPRoute's host names as a JSON list: httpRoute.hostnames, else
ingress.hosts.
Usage: {{ include "magento2.httpRoute.hostnames" $ | fromJsonArray }}
*/}}
{{- define "magento2.httpRoute.hostnames" -}}
{{- .Values.httpRoute.hostnames | default .Values.ingress.hosts | default list | toJson -}}
{{- end -}}

{{/*
magento2.cryptKey.secretName: the Secret that holds the crypt key and its key in it, as
"name:key": magento.cryptKey.existingSecret, else the chart's "<fullname>-crypt-key".
Usage: {{ include "magento2.cryptKey.ref" $ }}
*/}}
{{- define "magento2.cryptKey.ref" -}}
{{- $c := .Values.magento.cryptKey -}}
{{- if $c.existingSecret -}}
{{- printf "%s:%s" $c.existingSecret $c.existingSecretKey -}}
{{- else -}}
{{- printf "%s:crypt-key" (include "magento2.name" (dict "context" . "component" "crypt-key")) -}}
{{- end -}}
{{- end -}}

{{/*
magento2.cryptKey.value: the crypt key the chart stores when no existingSecret is given:
magento.cryptKey.value; else the key already in the cluster's "<fullname>-crypt-key" Secret; else
a new random key. The result is remembered for the rest of the render, so the Secret and the
upgrade hook's copy always agree. A value that differs from the stored key is refused: changing the
key makes encrypted data unreadable.
Usage: {{ include "magento2.cryptKey.value" $ }}
*/}}
{{- define "magento2.cryptKey.value" -}}
{{- $c := .Values.magento.cryptKey -}}
{{- if not (hasKey $c "_resolved") -}}
{{- $name := include "magento2.name" (dict "context" . "component" "crypt-key") -}}
{{- $stored := "" -}}
{{- with (lookup "v1" "Secret" .Release.Namespace $name) -}}
{{- $stored = index (default (dict) .data) "crypt-key" | default "" | b64dec -}}
{{- end -}}
{{- if and $c.value $stored (ne $c.value $stored) -}}
{{- fail (printf "magento.cryptKey.value differs from the key already stored in Secret %s: changing the crypt key makes encrypted data unreadable. Rotate it with bin/magento encryption:key:change instead, or leave magento.cryptKey.value empty to keep the stored key" $name) -}}
{{- end -}}
{{- $_ := set $c "_generated" (not (or $c.value $stored)) -}}
{{- $_ := set $c "_resolved" (coalesce $c.value $stored (randAlphaNum 32)) -}}
{{- end -}}
{{- get $c "_resolved" -}}
{{- end -}}

{{/*
magento2.fpm.maxChildren: pm.max_children: web.php.fpm.maxChildren, else
(limit - reservedMemory) / memoryPerChild from the php container's memory limit. Fails naming the
keys when the limit is missing or the result does not fit.
Usage: {{ include "magento2.fpm.maxChildren" $ }}
*/}}
{{- define "magento2.fpm.maxChildren" -}}
{{- $fpm := .Values.web.php.fpm -}}
{{- $limit := ((.Values.web.php.resources).limits).memory -}}
{{- if not $limit -}}
{{- fail "web.php.resources.limits.memory is required: pm.max_children is sized from the php-fpm container's memory limit" -}}
{{- end -}}
{{- $limitMi := include "magento-common.quantity.mebibytes" (dict "value" $limit "path" "web.php.resources.limits.memory") | int -}}
{{- $childMi := include "magento-common.quantity.mebibytes" (dict "value" $fpm.memoryPerChild "path" "web.php.fpm.memoryPerChild") | int -}}
{{- $reservedMi := include "magento-common.quantity.mebibytes" (dict "value" $fpm.reservedMemory "path" "web.php.fpm.reservedMemory") | int -}}
{{- include "magento-common.validate.that" (dict "condition" (gt $childMi 0) "path" "web.php.fpm.memoryPerChild" "message" "must be more than 0") -}}
{{- $fits := div (sub $limitMi $reservedMi) $childMi | int -}}
{{- $n := $fpm.maxChildren | int -}}
{{- if eq $n 0 -}}
{{- include "magento-common.validate.that" (dict "condition" (ge $fits 1) "path" "web.php.resources.limits.memory" "message" (printf "%s leaves no room for one PHP worker (web.php.fpm.reservedMemory %s + web.php.fpm.memoryPerChild %s)" $limit $fpm.reservedMemory $fpm.memoryPerChild)) -}}
{{- $n = $fits -}}
{{- else -}}
{{- include "magento-common.validate.that" (dict "condition" (le $n $fits) "path" "web.php.fpm.maxChildren" "message" (printf "%d workers x web.php.fpm.memoryPerChild %s + web.php.fpm.reservedMemory %s do not fit in web.php.resources.limits.memory %s (at most %d)" $n $fpm.memoryPerChild $fpm.reservedMemory $limit $fits)) -}}
{{- end -}}
{{- $n -}}
{{- end -}}

{{/*
magento2.env.config: the non-secret environment of every Magento container, as a dict (the data
of the env ConfigMap): mode, database, caches and sessions, search, queue, URLs and the extra
deploymentConfig / systemConfig entries.
Usage: {{ include "magento2.env.config" $ | fromYaml }}
*/}}
{{- define "magento2.env.config" -}}
{{- $m := .Values.magento -}}
{{- $env := dict "MAGE_MODE" $m.mode -}}
{{- $dc := dict -}}
{{- $_ := set $dc "backend/frontName" $m.adminPath -}}
{{- $_ := set $dc "db/connection/default/host" (printf "%s:%d" $m.database.host ($m.database.port | int)) -}}
{{- $_ := set $dc "db/connection/default/dbname" $m.database.name -}}
{{- $_ := set $dc "db/connection/default/username" $m.database.user -}}
{{- $_ := set $dc "db/connection/default/active" "1" -}}
{{- /* consumers_runner would start the queue consumers in the background of cron pods. */ -}}
{{- $_ := set $dc "cron_consumers_runner/cron_run" "0" -}}
{{- if $m.redis.enabled -}}
{{- $host := include "magento2.host" (dict "context" . "block" "redis") -}}
{{- $prefix := default (printf "%s_" (include "magento2.storeId" .)) $m.redis.idPrefix -}}
{{- range $cache, $db := dict "default" $m.redis.cacheDatabase "page_cache" $m.redis.pageCacheDatabase -}}
{{- $_ := set $dc (printf "cache/frontend/%s/backend" $cache) "Magento\\Framework\\Cache\\Backend\\Redis" -}}
{{- $_ := set $dc (printf "cache/frontend/%s/id_prefix" $cache) $prefix -}}
{{- $_ := set $dc (printf "cache/frontend/%s/backend_options/server" $cache) $host -}}
{{- $_ := set $dc (printf "cache/frontend/%s/backend_options/port" $cache) (toString $m.redis.port) -}}
{{- $_ := set $dc (printf "cache/frontend/%s/backend_options/database" $cache) (toString $db) -}}
{{- end -}}
{{- $sessionHost := $host -}}
{{- $sessionPort := $m.redis.port -}}
{{- if $m.redis.sessionHost -}}
{{- $sessionHost = $m.redis.sessionHost -}}
{{- $sessionPort = $m.redis.sessionPort -}}
{{- else if and (not $m.redis.host) .Values.externalServices.redisSessions.enabled -}}
{{- $sessionHost = include "magento2.name" (dict "context" . "component" "redis-sessions") -}}
{{- $sessionPort = $m.redis.sessionPort -}}
{{- end -}}
{{- $_ := set $dc "session/save" "redis" -}}
{{- $_ := set $dc "session/redis/host" $sessionHost -}}
{{- $_ := set $dc "session/redis/port" (toString $sessionPort) -}}
{{- $_ := set $dc "session/redis/database" (toString $m.redis.sessionDatabase) -}}
{{- end -}}
{{- if $m.amqp.enabled -}}
{{- $_ := set $dc "queue/amqp/host" (include "magento2.host" (dict "context" . "block" "amqp")) -}}
{{- $_ := set $dc "queue/amqp/port" (toString $m.amqp.port) -}}
{{- $_ := set $dc "queue/amqp/user" $m.amqp.user -}}
{{- $_ := set $dc "queue/amqp/virtualhost" $m.amqp.virtualhost -}}
{{- end -}}
{{- if .Values.varnish.enabled -}}
{{- /* Every Varnish pod by its stable name: Magento purges each one. */ -}}
{{- range $i := until (int .Values.varnish.replicas) -}}
{{- $_ := set $dc (printf "http_cache_hosts/%d/host" $i) (printf "%s-%d.%s" (include "magento2.name" (dict "context" $ "component" "varnish")) $i (include "magento2.varnish.headless" $)) -}}
{{- $_ := set $dc (printf "http_cache_hosts/%d/port" $i) (toString $.Values.varnish.port) -}}
{{- end -}}
{{- end -}}
{{- range $path, $value := $m.deploymentConfig -}}
{{- $_ := set $dc $path (toString $value) -}}
{{- end -}}
{{- range $path, $value := $dc -}}
{{- $_ := set $env (include "magento2.envName" (dict "prefix" "MAGENTO_DC_" "path" $path)) $value -}}
{{- end -}}
{{- $sc := dict -}}
{{- $s := $m.search -}}
{{- $engine := $s.engine -}}
{{- $_ := set $sc "catalog/search/engine" $engine -}}
{{- $_ := set $sc (printf "catalog/search/%s_server_hostname" $engine) (include "magento2.host" (dict "context" . "block" "search")) -}}
{{- $_ := set $sc (printf "catalog/search/%s_server_port" $engine) (toString $s.port) -}}
{{- $_ := set $sc (printf "catalog/search/%s_index_prefix" $engine) (default (include "magento2.storeId" .) $s.indexPrefix) -}}
{{- $_ := set $sc (printf "catalog/search/%s_server_timeout" $engine) (toString $s.timeout) -}}
{{- $_ := set $sc (printf "catalog/search/%s_enable_auth" $engine) (ternary "1" "0" (not (empty $s.username))) -}}
{{- with $s.username -}}
{{- $_ := set $sc (printf "catalog/search/%s_username" $engine) . -}}
{{- end -}}
{{- with (include "magento2.baseUrl" .) -}}
{{- $_ := set $sc "web/unsecure/base_url" . -}}
{{- $_ := set $sc "web/secure/base_url" (. | replace "http://" "https://") -}}
{{- $https := hasPrefix "https://" . -}}
{{- $_ := set $sc "web/secure/use_in_frontend" (ternary "1" "0" $https) -}}
{{- $_ := set $sc "web/secure/use_in_adminhtml" (ternary "1" "0" $https) -}}
{{- $_ := set $sc "web/secure/offloader_header" "X-Forwarded-Proto" -}}
{{- end -}}
{{- if .Values.varnish.enabled -}}
{{- $_ := set $sc "system/full_page_cache/caching_application" "2" -}}
{{- end -}}
{{- range $path, $value := $m.systemConfig -}}
{{- $_ := set $sc $path (toString $value) -}}
{{- end -}}
{{- range $path, $value := $sc -}}
{{- $_ := set $env (include "magento2.envName" (dict "prefix" "CONFIG__DEFAULT__" "path" $path)) $value -}}
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
magento2.env.vars: the env and envFrom of a Magento container (web php-fpm, cron, upgrade): the env
ConfigMap, every secret value by reference, and magento.extraEnv plus the container's own extraEnv.
With "hook" true the upgrade hook's copies of the ConfigMap and Secret are used.
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
  - name: MAGENTO_DC_DB__CONNECTION__DEFAULT__PASSWORD
    valueFrom:
      {{- include "magento2.env.secretRef" (dict "context" $ctx "block" $m.database "key" "db-password" "hook" $hook) | nindent 6 }}
  - name: MAGENTO_DC_CRYPT__KEY
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
  {{- range $name := list "MAGENTO_DC_CACHE__FRONTEND__DEFAULT__BACKEND_OPTIONS__PASSWORD" "MAGENTO_DC_CACHE__FRONTEND__PAGE_CACHE__BACKEND_OPTIONS__PASSWORD" "MAGENTO_DC_SESSION__REDIS__PASSWORD" }}
  - name: {{ $name }}
    valueFrom:
      {{- include "magento2.env.secretRef" (dict "context" $ctx "block" $m.redis "key" "redis-password" "hook" $hook) | nindent 6 }}
  {{- end }}
  {{- end }}
  {{- if or $m.search.password $m.search.existingSecret }}
  - name: {{ include "magento2.envName" (dict "prefix" "CONFIG__DEFAULT__" "path" (printf "catalog/search/%s_password" $m.search.engine)) }}
    valueFrom:
      {{- include "magento2.env.secretRef" (dict "context" $ctx "block" $m.search "key" "search-password" "hook" $hook) | nindent 6 }}
  {{- end }}
  {{- if $m.amqp.enabled }}
  - name: MAGENTO_DC_QUEUE__AMQP__PASSWORD
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
magento2.volumes.data: the volumes holding the store's data: media and var (their claims, or
emptyDirs when persistence is off) and /tmp. With "hook" true (the upgrade hook Job, which runs
before the release's own objects exist) a claim of the chart is mounted only when it already
exists (helm upgrade): on a first install there is no claim yet and nothing to share, so the hook
gets an emptyDir instead of a pod that can never schedule. An existingClaim is always mounted.
Usage: {{- include "magento2.volumes.data" (dict "context" $ "hook" false) | nindent 8 }}
*/}}
{{- define "magento2.volumes.data" -}}
{{- $ctx := .context -}}
{{- range $key := list "media" "var" }}
{{- $p := index $ctx.Values.persistence $key }}
{{- $claim := default (include "magento2.name" (dict "context" $ctx "component" $key)) $p.existingClaim }}
{{- $mount := $p.enabled }}
{{- if and $mount $.hook (not $p.existingClaim) }}
{{- $mount = not (empty (lookup "v1" "PersistentVolumeClaim" $ctx.Release.Namespace $claim)) }}
{{- end }}
- name: {{ $key }}
  {{- if $mount }}
  persistentVolumeClaim:
    claimName: {{ $claim }}
  {{- else }}
  emptyDir:
    sizeLimit: {{ $ctx.Values.web.tmpSizeLimit }}
  {{- end }}
{{- end }}
- name: tmp
  emptyDir:
    sizeLimit: {{ $ctx.Values.web.tmpSizeLimit }}
{{- end -}}

{{/*
magento2.volumeMounts.app: the mounts of a container running Magento from the app image: media,
var and /tmp.
Usage: {{- include "magento2.volumeMounts.app" $ | nindent 12 }}
*/}}
{{- define "magento2.volumeMounts.app" -}}
- name: media
  mountPath: {{ .Values.web.documentRoot }}/pub/media
- name: var
  mountPath: {{ .Values.web.documentRoot }}/var
- name: tmp
  mountPath: /tmp
{{- end -}}

{{/*
magento2.pod.common: the pod-level fields every Magento pod shares: ServiceAccount without a
token (the release's, or "serviceAccountName"), pull secrets, the security context and the
scheduling of the component block.
Usage: {{- include "magento2.pod.common" (dict "context" $ "component" "cron" "values" .Values.cron "spread" false) | nindent 6 }}
*/}}
{{- define "magento2.pod.common" -}}
{{- $ctx := .context -}}
serviceAccountName: {{ default (include "magento-common.names.serviceAccount" $ctx) .serviceAccountName }}
automountServiceAccountToken: false
enableServiceLinks: false
{{- include "magento-common.images.pullSecrets" $ctx }}
securityContext:
  {{- include "magento-common.security.podSecurityContext" $ctx.Values.web.podSecurityContext | nindent 2 }}
{{- include "magento-common.pod.scheduling" . }}
{{- end -}}

{{/*
magento2.container.magento: a container that runs a bin/magento task from the app image (cron,
upgrade) with tini as PID 1: image, working directory, security context, resources, env and the
data mounts. `command` is the full command after tini.
Usage: {{- include "magento2.container.magento" (dict "context" $ "name" "cron" "command" $cmd "values" .Values.cron "hook" false "env" $extraEnvVars) | nindent 8 }}
*/}}
{{- define "magento2.container.magento" -}}
{{- $ctx := .context -}}
- name: {{ .name }}
  image: {{ include "magento2.image" $ctx }}
  imagePullPolicy: {{ $ctx.Values.image.pullPolicy }}
  workingDir: {{ $ctx.Values.web.documentRoot }}
  command:
    - {{ $ctx.Values.web.tiniPath }}
    - -g
    - --
    {{- toYaml .command | nindent 4 }}
  {{- include "magento2.env.vars" (dict "context" $ctx "hook" .hook "extraEnv" (concat (default list .env) (default list .values.extraEnv))) | nindent 2 }}
  securityContext:
    {{- include "magento-common.security.containerSecurityContext" .values.containerSecurityContext | nindent 4 }}
  resources:
    {{- toYaml .values.resources | nindent 4 }}
  volumeMounts:
    {{- include "magento2.volumeMounts.app" $ctx | nindent 4 }}
    {{- with .extraMounts }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    {{- with .values.extraVolumeMounts }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end -}}

{{/*
magento2.maintenanceGuard: a shell prelude for the cron and consumer pods (argument: what runs):
while Magento's maintenance flag is set (an upgrade runs; the flag reaches these pods when var/ is
shared) it exits without running anything; otherwise it executes its arguments.
Usage: (list "/bin/sh" "-c" (include "magento2.maintenanceGuard" "cron") "cron" "php" "bin/magento" …)
*/}}
{{- define "magento2.maintenanceGuard" -}}
if [ -e var/.maintenance.flag ]; then echo "{{ . }}: maintenance mode (an upgrade runs): nothing run"; exit 0; fi; exec "$@"
{{- end -}}

{{/*
magento2.frontService: the Service that receives the store's traffic from the Ingress or the
HTTPRoute: Varnish's when varnish.enabled, else the web pods'.
Usage: {{ include "magento2.frontService" $ }}
*/}}
{{- define "magento2.frontService" -}}
{{- include "magento2.name" (dict "context" . "component" (ternary "varnish" "web" .Values.varnish.enabled)) -}}
{{- end -}}

{{/*
magento2.frontService.annotations: the annotations of the front Service: service.annotations, and on
GKE the BackendConfig and container-native load balancing (NEG) annotations.
Usage: {{ include "magento2.frontService.annotations" $ | fromJson }}
*/}}
{{- define "magento2.frontService.annotations" -}}
{{- $annotations := deepCopy .Values.service.annotations -}}
{{- if .Values.gke.backendConfig.enabled -}}
{{- $_ := set $annotations "cloud.google.com/backend-config" (dict "default" (include "magento2.name" (dict "context" . "component" "web")) | toJson) -}}
{{- end -}}
{{- if and .Values.ingress.enabled (has .Values.ingress.className (list "gce" "gce-internal")) -}}
{{- $_ := set $annotations "cloud.google.com/neg" (dict "ingress" true | toJson) -}}
{{- end -}}
{{- toJson $annotations -}}
{{- end -}}

{{/*
magento2.varnish.headless: the headless Service that gives every Varnish pod a stable name.
*/}}
{{- define "magento2.varnish.headless" -}}
{{- include "magento2.name" (dict "context" . "component" "varnish-pods") -}}
{{- end -}}
