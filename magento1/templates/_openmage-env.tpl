{{/*
The environment of every OpenMage container: secrets and settings as env vars.
*/}}

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
