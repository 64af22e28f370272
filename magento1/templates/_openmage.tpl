{{/*
The magento1 chart's own helpers: names, the environment of every OpenMage container, app/etc/local.xml
and the hooks magento-common.web.deployment calls by the chart's name.
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

{{/*
magento1.env.secretData: the secret values the chart stores itself (those without an
existingSecret) as a dict of Secret keys; with "hook" true also the chart-kept crypt key (the setup
hook runs before the release's own Secrets exist on a first install).
Usage: {{ include "magento1.env.secretData" (dict "context" $ "hook" false) | fromYaml }}
*/}}
{{- define "magento1.env.secretData" -}}
{{- include "magento-common.sharedServices.resolve" .context -}}
{{- $m := .context.Values.magento -}}
{{- $data := dict -}}
{{- if not $m.database.existingSecret -}}{{- $_ := set $data "db-password" $m.database.password -}}{{- end -}}
{{- if and $m.redis.enabled $m.redis.password (not $m.redis.existingSecret) -}}{{- $_ := set $data "redis-password" $m.redis.password -}}{{- end -}}
{{- if and .hook (not $m.cryptKey.existingSecret) -}}{{- $_ := set $data "crypt-key" (include "magento1.cryptKey.value" .context) -}}{{- end -}}
{{- toYaml $data -}}
{{- end -}}

{{/*
magento1.env.config: the non-secret environment of every OpenMage container (the env ConfigMap's
data): OpenMage's environment configuration switch, one OPENMAGE_CONFIG__* variable per
magento.config entry (and the base URLs), and what files/local.xml takes from the environment.
Usage: data: {{- include "magento1.env.config" (dict "context" $ "hook" false) | nindent 2 }}
*/}}
{{- define "magento1.env.config" -}}
{{- include "magento-common.sharedServices.resolve" .context -}}
{{- $ctx := .context -}}
{{- $m := $ctx.Values.magento -}}
{{- $env := dict "OPENMAGE_CONFIG_OVERRIDE_ALLOWED" "1" "OPENMAGE_SKIP_MODULE_UPDATES" "1" -}}
{{- $default := deepCopy $m.config.default -}}
{{- with include "magento-common.web.baseUrl" $ctx -}}
{{- $_ := set $default "web/unsecure/base_url" (get $default "web/unsecure/base_url" | default .) -}}
{{- $_ := set $default "web/secure/base_url" (get $default "web/secure/base_url" | default .) -}}
{{- end -}}
{{- $scopes := list (dict "scope" "DEFAULT" "paths" $default "path" "magento.config.default") -}}
{{- range $code, $paths := $m.config.websites -}}
{{- include "magento-common.validate.that" (dict "condition" (regexMatch "^[A-Za-z][A-Za-z0-9]+$" $code) "path" (printf "magento.config.websites.%s" $code) "message" "is not a website code OpenMage reads from the environment: a letter, then letters or digits (no \"_\")") -}}
{{- $scopes = append $scopes (dict "scope" (printf "WEBSITES__%s" (upper $code)) "paths" $paths "path" (printf "magento.config.websites.%s" $code)) -}}
{{- end -}}
{{- range $code, $paths := $m.config.stores -}}
{{- include "magento-common.validate.that" (dict "condition" (and (regexMatch "^[A-Za-z_-]+$" $code) (not (contains "__" $code))) "path" (printf "magento.config.stores.%s" $code) "message" "is not a store code OpenMage reads from the environment: letters, \"_\" and \"-\" only (no digits, no \"__\")") -}}
{{- $scopes = append $scopes (dict "scope" (printf "STORES__%s" (upper $code)) "paths" $paths "path" (printf "magento.config.stores.%s" $code)) -}}
{{- end -}}
{{- range $s := $scopes -}}
{{- range $key, $value := $s.paths -}}
{{- $parts := splitList "/" $key -}}
{{- $valid := and (eq (len $parts) 3) (regexMatch "^[a-z_-]+$" (index $parts 0)) (regexMatch "^[a-z_-]+$" (index $parts 1)) (regexMatch "^[a-z_][a-z0-9_]*$" (index $parts 2)) (not (contains "__" $key)) -}}
{{- include "magento-common.validate.that" (dict "condition" $valid "path" (printf "%s.%s" $s.path $key) "message" "is not a path OpenMage reads from the environment: section/group/field, section and group of lower-case letters, \"_\" and \"-\", no \"__\"") -}}
{{- $_ := set $env (printf "OPENMAGE_CONFIG__%s__%s" $s.scope (upper (join "__" $parts))) (toString $value) -}}
{{- end -}}
{{- end -}}
{{- toYaml $env -}}
{{- end -}}

{{/*
magento1.env.vars: the env and envFrom of an OpenMage container (php-fpm, cron, setup, the
local.xml renderer): the env ConfigMap, the database and Redis passwords and the crypt key by
reference, magento.extraEnv and the container's own extraEnv, PHP_INI_SCAN_DIR for the chart's
php.ini. With "hook" true the setup hook's copies of the ConfigMap and Secret are used.
Usage: {{- include "magento1.env.vars" (dict "context" $ "hook" false "extraEnv" .Values.cron.extraEnv) | nindent 10 }}
*/}}
{{- define "magento1.env.vars" -}}
{{- include "magento-common.sharedServices.resolve" .context -}}
{{- $ctx := .context -}}
{{- $m := $ctx.Values.magento -}}
{{- $hook := default false .hook -}}
{{- $envName := include "magento1.name" (dict "context" $ctx "component" (ternary "setup-env" "env" $hook)) -}}
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
    value: {{ printf ":%s" (include "magento-common.php.iniDir" $ctx) | quote }}
  - name: OPENMAGE_DB_PASSWORD
    valueFrom:
      {{- include "magento-common.secrets.keyRef" (dict "block" $m.database "secret" $envName "key" "db-password") | nindent 6 }}
  - name: OPENMAGE_CRYPT_KEY
    valueFrom:
      {{- if or $m.cryptKey.existingSecret (not $hook) }}
      {{- $ref := splitList ":" (include "magento1.cryptKey.ref" $ctx) }}
      secretKeyRef:
        name: {{ index $ref 0 }}
        key: {{ index $ref 1 }}
      {{- else }}
      secretKeyRef:
        name: {{ $envName }}
        key: crypt-key
      {{- end }}
  {{- if and $m.redis.enabled (or $m.redis.password $m.redis.existingSecret) }}
  - name: OPENMAGE_REDIS_PASSWORD
    valueFrom:
      {{- include "magento-common.secrets.keyRef" (dict "block" $m.redis "secret" $envName "key" "redis-password") | nindent 6 }}
  {{- else if $m.redis.enabled }}
  - name: OPENMAGE_REDIS_PASSWORD
    value: ""
  {{- end }}
  {{- with $m.extraEnv }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
  {{- with .extraEnv }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end -}}

{{/*
magento1.localXml: app/etc/local.xml as a template (files/local.xml): the values rendered in, the
secrets as ${NAME} placeholders that files/local-xml.php fills from the container's environment.
With "hook" true the hosts are the ExternalName Services' targets.
Usage: {{ include "magento1.localXml" (dict "context" $ "hook" false) }}
*/}}
{{- define "magento1.localXml" -}}
{{- $ctx := .context -}}
{{- $m := $ctx.Values.magento -}}
{{- $r := $m.redis -}}
{{- $redis := dict "enabled" $r.enabled -}}
{{- if $r.enabled -}}
{{- $_ := set $redis "cacheHost" (include "magento1.redisHost" (dict "context" $ctx "which" "cache" "hook" .hook)) -}}
{{- $_ := set $redis "sessionHost" (include "magento1.redisHost" (dict "context" $ctx "which" "sessions" "hook" .hook)) -}}
{{- $ownSessions := or $r.sessionHost (and (not $r.host) $ctx.Values.externalServices.redisSessions.enabled) -}}
{{- $_ := set $redis "sessionPort" (ternary $r.sessionPort $r.port (not (not $ownSessions))) -}}
{{- end -}}
{{- tpl ($ctx.Files.Get "files/local.xml") (merge (dict "m" $m "redis" $redis "idPrefix" (default (include "magento1.storeId" $ctx) $r.idPrefix)) $ctx) -}}
{{- end -}}

{{/*
magento1.appEtc.data: the data of the app-etc ConfigMap (and of the setup hook's copy): local.xml's
template, the php.ini of every PHP process, the local.xml renderer, the health check and the setup
Job's programs.
Usage: data: {{- include "magento1.appEtc.data" (dict "context" $ "hook" false) | nindent 2 }}
*/}}
{{- define "magento1.appEtc.data" -}}
{{- $ctx := .context -}}
local.xml: |
  {{- include "magento1.localXml" . | nindent 2 }}
php.ini: |
  {{- include "magento-common.php.ini" $ctx | nindent 2 }}
{{- range $file := list "local-xml.php" "health_check.php" "setup.php" "setup.sh" "cron.sh" }}
{{ $file }}: |
  {{- $ctx.Files.Get (printf "files/%s" $file) | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
magento1.checksums: the checksum/* pod annotations of every OpenMage pod: a change to the
environment, its Secret or local.xml rolls the pods.
Usage: {{ $checksums := include "magento1.checksums" $ | fromJson }}
*/}}
{{- define "magento1.checksums" -}}
{{- $out := dict -}}
{{- range $name, $template := dict "env" "/config/env-configmap.yaml" "env-secret" "/config/env-secret.yaml" "app-etc" "/config/app-etc-configmap.yaml" -}}
{{- $_ := set $out (printf "checksum/%s" $name) (include "magento-common.pod.checksum" (dict "context" $ "template" $template)) -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{/*
magento1.appEtcDir: where the chart's app-etc ConfigMap (local.xml template, programs) is mounted.
*/}}
{{- define "magento1.appEtcDir" -}}
/etc/magento/openmage
{{- end -}}

{{/*
magento1.volumes.data: the volumes of every OpenMage pod: the chart's app-etc (with "hook" true
the setup hook's copy), the rendered local.xml, media, var and /tmp.
Usage: {{- include "magento1.volumes.data" (dict "context" $ "hook" false) | nindent 8 }}
*/}}
{{- define "magento1.volumes.data" -}}
- name: app-etc
  configMap:
    name: {{ include "magento1.name" (dict "context" .context "component" (ternary "setup-app-etc" "app-etc" (default false .hook))) }}
# local.xml with its secrets, written by the local-xml init container.
- name: local-xml
  emptyDir:
    medium: Memory
    sizeLimit: 1Mi
{{- include "magento-common.persistence.volumes" . }}
{{- end -}}

{{/*
magento1.volumeMounts.app: the mounts of a container running OpenMage from the app image: the
rendered local.xml over the image's app/etc/local.xml, the chart's files, its php.ini, media, var
and /tmp.
Usage: {{- include "magento1.volumeMounts.app" (dict "context" $ "envPhp" true) | nindent 12 }}
*/}}
{{- define "magento1.volumeMounts.app" -}}
{{- $root := .context.Values.podDefaults.documentRoot -}}
- name: local-xml
  mountPath: {{ $root }}/app/etc/local.xml
  subPath: local.xml
  readOnly: true
- name: app-etc
  mountPath: {{ include "magento1.appEtcDir" . }}
  readOnly: true
- name: app-etc
  mountPath: {{ include "magento-common.php.iniDir" .context }}/zz-magento.ini
  subPath: php.ini
  readOnly: true
- name: media
  mountPath: {{ $root }}/media
- name: var
  mountPath: {{ $root }}/var
- name: tmp
  mountPath: /tmp
{{- end -}}

{{/*
magento1.container.localXml: the init container that writes app/etc/local.xml from the chart's
template and the container's secrets (files/local-xml.php) into the local-xml volume.
Usage: {{- include "magento1.container.localXml" (dict "context" $ "hook" false "env" $env) | nindent 8 }}
*/}}
{{- define "magento1.container.localXml" -}}
{{- $ctx := .context -}}
{{- $dir := include "magento1.appEtcDir" . -}}
- name: local-xml
  image: {{ include "magento-common.web.appImage" $ctx }}
  imagePullPolicy: {{ $ctx.Values.image.pullPolicy }}
  command:
    - {{ $ctx.Values.magento.phpCli }}
    - {{ $dir }}/local-xml.php
    - {{ $dir }}/local.xml
    - /local-xml/local.xml
  {{- include "magento1.env.vars" (dict "context" $ctx "hook" .hook "extraEnv" .env) | nindent 2 }}
  securityContext:
    {{- include "magento-common.security.containerSecurityContext" dict | nindent 4 }}
  resources:
    {{- include "magento-common.resources" (dict "resources" $ctx.Values.podDefaults.initResources) | nindent 4 }}
  volumeMounts:
    - name: app-etc
      mountPath: {{ $dir }}
      readOnly: true
    - name: local-xml
      mountPath: /local-xml
{{- end -}}

{{/*
magento1.container.openmage: a container that runs an OpenMage task from the app image (cron,
setup) with tini as PID 1: image, working directory, security context, resources, env and mounts.
Usage: {{- include "magento1.container.openmage" (dict "context" $ "name" "cron" "command" $cmd "values" .Values.cron "hook" false "env" $env) | nindent 4 }}
*/}}
{{- define "magento1.container.openmage" -}}
{{- $ctx := .context -}}
- name: {{ .name }}
  image: {{ include "magento-common.web.appImage" $ctx }}
  imagePullPolicy: {{ $ctx.Values.image.pullPolicy }}
  workingDir: {{ $ctx.Values.podDefaults.documentRoot }}
  command:
    - {{ $ctx.Values.podDefaults.tiniPath }}
    - -g
    - --
    {{- toYaml .command | nindent 4 }}
  {{- include "magento1.env.vars" (dict "context" $ctx "hook" .hook "extraEnv" (concat (default list .env) (default list .values.extraEnv))) | nindent 2 }}
  securityContext:
    {{- include "magento-common.security.containerSecurityContext" .values.containerSecurityContext | nindent 4 }}
  resources:
    {{- include "magento-common.resources" (dict "resources" .values.resources "storage" (list "64Mi" "2Gi")) | nindent 4 }}
  volumeMounts:
    {{- include "magento1.volumeMounts.app" (dict "context" $ctx) | nindent 4 }}
    {{- with .values.extraVolumeMounts }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end -}}

{{/*
magento1.web.initContainers: the web pod's init containers: local.xml, and with web.codeSharing
"copy" the copy of the store's root (without media and var) into the volume nginx serves.
Usage: {{ include "magento1.web.initContainers" $ }}
*/}}
{{- define "magento1.web.initContainers" -}}
{{- include "magento1.container.localXml" (dict "context" . "hook" false) }}
{{- if eq .Values.web.codeSharing "copy" }}
{{ include "magento-common.web.copyPubInit" (dict "context" . "from" .Values.podDefaults.documentRoot) }}
{{- end -}}
{{- end -}}

{{/*
magento1.web.nginxCodeMounts: what nginx serves from: the copy ("copy"), the store's root of the
image volume ("image-volume"), the image's own ("app-image"), and the shared media (with the setup
Job's maintenance flag).
Usage: {{- include "magento1.web.nginxCodeMounts" $ | trim | nindent 12 }}
*/}}
{{- define "magento1.web.nginxCodeMounts" -}}
{{- $root := .Values.podDefaults.documentRoot -}}
{{- if eq .Values.web.codeSharing "copy" }}
- name: code
  mountPath: {{ $root }}
  readOnly: true
{{- else if eq .Values.web.codeSharing "image-volume" }}
# An image volume holds the image's whole file system: mount only the store's root.
- name: code
  mountPath: {{ $root }}
  subPath: {{ trimPrefix "/" $root }}
  readOnly: true
{{- end }}
- name: media
  mountPath: {{ $root }}/media
{{- end -}}

{{/*
magento1.nginx.healthCheck: the body of the health server's /health_check.php location: the chart's
files/health_check.php (OpenMage has no health endpoint) through php-fpm's health pool.
Usage: {{- include "magento1.nginx.healthCheck" $ | nindent 10 }}
*/}}
{{- define "magento1.nginx.healthCheck" -}}
include /etc/magento/nginx/fastcgi_params;
fastcgi_param SCRIPT_NAME /health_check.php;
fastcgi_param SCRIPT_FILENAME {{ include "magento1.appEtcDir" . }}/health_check.php;
fastcgi_param DOCUMENT_ROOT {{ .Values.podDefaults.documentRoot }};
fastcgi_read_timeout 30s;
fastcgi_pass fastcgi_health;
{{- end -}}
