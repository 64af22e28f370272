{{/*
How the environment reaches the containers: the secrets the chart stores, the references to every
Secret key, the env list of a Magento container and the app/etc files (files/env.php, php.ini).
*/}}

{{/*
magento2.env.secretData: the secret values the chart stores itself (those without an
existingSecret), as a dict of Secret keys; with "hook" true it also holds the chart-managed crypt
key (the upgrade hook runs before the release's own Secrets exist on a first install).
Usage: {{ include "magento2.env.secretData" (dict "context" $ "hook" false) | fromYaml }}
*/}}
{{- define "magento2.env.secretData" -}}
{{- include "magento-common.sharedServices.resolve" .context -}}
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
{{- $secret := include "magento2.name" (dict "context" .context "component" (ternary "upgrade-env" "env" (default false .hook))) -}}
{{- include "magento-common.secrets.keyRef" (dict "block" .block "secret" $secret "key" .key) -}}
{{- end -}}

{{/*
magento2.env.vars: the env and envFrom of a Magento container (web php-fpm, cron, consumers,
upgrade): the env ConfigMap, every secret value by reference, magento.extraEnv plus the
container's own extraEnv, and PHP_INI_SCAN_DIR for the chart's php.ini. With "hook" true the
upgrade hook's copies of the ConfigMap and Secret are used.
Usage: {{- include "magento2.env.vars" (dict "context" $ "hook" false "extraEnv" .Values.cron.extraEnv) | nindent 10 }}
*/}}
{{- define "magento2.env.vars" -}}
{{- include "magento-common.sharedServices.resolve" .context -}}
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
    value: {{ printf ":%s" (include "magento-common.php.iniDir" $ctx) | quote }}
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
env-php.php: |
  {{- .Files.Get "files/env-php.php" | nindent 2 }}
php.ini: |
  {{- include "magento-common.php.ini" . | nindent 2 }}
upgrade.sh: |
  {{- .Files.Get "files/upgrade.sh" | nindent 2 }}
db-state.php: |
  {{- .Files.Get "files/db-state.php" | nindent 2 }}
{{- end -}}
