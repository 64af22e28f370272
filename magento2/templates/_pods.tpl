{{/*
What every Magento pod shares: volumes and mounts, pod fields, the bin/magento container, checksums and the scripts it runs.
*/}}

{{/*
magento2.volumes.data: the volumes of every Magento pod: the chart's env.php and php.ini, the
store's data, media and var (their claims, or emptyDirs when persistence is off), and /tmp. With
"hook" true (the upgrade hook Job, which runs before the release's own objects exist) a claim of the chart is mounted only when it already
exists (helm upgrade): on a first install there is no claim yet and nothing to share, so the hook
gets an emptyDir instead of a pod that can never schedule. An existingClaim is always mounted.
With "web" true (the web pod) also the in-memory "env-php" volume of the evaluated env.php.
Usage: {{- include "magento2.volumes.data" (dict "context" $ "hook" false) | nindent 8 }}
*/}}
{{- define "magento2.volumes.data" -}}
{{- $ctx := .context -}}
{{- include "magento2.volumes.appEtc" . }}
{{- if .web }}
- name: env-php
  emptyDir:
    medium: Memory
    sizeLimit: 1Mi
{{- end }}
{{- include "magento-common.persistence.volumes" . }}
{{- end -}}

{{/*
magento2.volumeMounts.app: the mounts of a container running Magento from the app image: the
chart's app/etc/env.php (read-only, over the image's; not with "envPhp" false: the upgrade Job
writes a copy; with "web" true the env-php init container's evaluation of it), the chart's
php.ini, media, var and /tmp.
Usage: {{- include "magento2.volumeMounts.app" (dict "context" $ "envPhp" true) | nindent 12 }}
*/}}
{{- define "magento2.volumeMounts.app" -}}
{{- $root := .context.Values.podDefaults.documentRoot -}}
{{- if .envPhp }}
# The chart's env.php{{ if .web }}, evaluated once by the env-php init container{{ end }}.
- name: {{ ternary "env-php" "app-etc" (default false .web) }}
  mountPath: {{ $root }}/app/etc/env.php
  subPath: env.php
  readOnly: true
{{- end }}
- name: app-etc
  mountPath: {{ include "magento-common.php.iniDir" .context }}/zz-magento.ini
  subPath: php.ini
  readOnly: true
- name: media
  mountPath: {{ $root }}/pub/media
- name: var
  mountPath: {{ $root }}/var
- name: tmp
  mountPath: /tmp
{{- end -}}

{{/*
magento2.volumes.appEtc: the volume with the chart's env.php and php.ini: the release's ConfigMap,
or with "hook" true the upgrade hook's copy (hooks run before the release's objects exist).
Usage: {{- include "magento2.volumes.appEtc" (dict "context" $ "hook" false) | nindent 8 }}
*/}}
{{- define "magento2.volumes.appEtc" -}}
- name: app-etc
  configMap:
    name: {{ include "magento2.name" (dict "context" .context "component" (ternary "upgrade-app-etc" "app-etc" (default false .hook))) }}
{{- end -}}

{{/*
magento2.pod.common: magento-common.pod.spec as the release's ServiceAccount (or
"serviceAccountName").
Usage: {{- include "magento2.pod.common" (dict "context" $ "component" "cron" "values" .Values.cron "spread" false) | nindent 6 }}
*/}}
{{- define "magento2.pod.common" -}}
{{- $sa := default (include "magento-common.names.serviceAccount" .context) .serviceAccountName -}}
{{- include "magento-common.pod.spec" (merge (dict "serviceAccountName" $sa) .) -}}
{{- end -}}

{{/*
magento2.container.magento: a container that runs a bin/magento task from the app image (cron,
upgrade) with tini as PID 1: image, working directory, security context, resources, env and the
data mounts (with "envPhp" false no env.php: the upgrade Job brings a writable copy). `command` is
the full command after tini.
Usage: {{- include "magento2.container.magento" (dict "context" $ "name" "cron" "command" $cmd "values" .Values.cron "hook" false "env" $extraEnvVars) | nindent 8 }}
*/}}
{{- define "magento2.container.magento" -}}
{{- $ctx := .context -}}
- name: {{ .name }}
  image: {{ include "magento2.image" $ctx }}
  imagePullPolicy: {{ $ctx.Values.image.pullPolicy }}
  workingDir: {{ $ctx.Values.podDefaults.documentRoot }}
  command:
    - {{ $ctx.Values.podDefaults.tiniPath }}
    - -g
    - --
    {{- toYaml .command | nindent 4 }}
  {{- include "magento2.env.vars" (dict "context" $ctx "hook" .hook "extraEnv" (concat (default list .env) (default list .values.extraEnv))) | nindent 2 }}
  securityContext:
    {{- include "magento-common.security.containerSecurityContext" .values.containerSecurityContext | nindent 4 }}
  resources:
    {{- include "magento-common.resources" (dict "resources" .values.resources "storage" (list "64Mi" "2Gi")) | nindent 4 }}
  volumeMounts:
    {{- include "magento2.volumeMounts.app" (dict "context" $ctx "envPhp" (ternary .envPhp true (hasKey . "envPhp"))) | nindent 4 }}
    {{- with .extraMounts }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    {{- with .values.extraVolumeMounts }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end -}}

{{/*
magento2.checksums: the checksum/* pod annotations of every Magento pod (env ConfigMap and Secret,
env.php and php.ini), as JSON: a change to any of them rolls the pods.
Usage: {{ $checksums := include "magento2.checksums" $ | fromJson }}
*/}}
{{- define "magento2.checksums" -}}
{{- $out := dict -}}
{{- range $name, $template := dict "env" "/config/env-configmap.yaml" "env-secret" "/config/env-secret.yaml" "app-etc" "/config/app-etc-configmap.yaml" -}}
{{- $_ := set $out (printf "checksum/%s" $name) (include "magento-common.pod.checksum" (dict "context" $ "template" $template)) -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{/*
magento2.script: magento-common.files.script (a program of the chart's files/ as the argument of
`sh -c`).
Usage: (list "/bin/sh" "-c" (include "magento2.script" (dict "context" $ "name" "consumers.sh")) "consumers")
*/}}
{{- define "magento2.script" -}}
{{- include "magento-common.files.script" . -}}
{{- end -}}
