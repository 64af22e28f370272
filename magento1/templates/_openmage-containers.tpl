{{/*
The OpenMage containers, their volumes and mounts, and the hooks magento-common.web.deployment
calls by the chart's name (init containers, nginx's code mounts, nginx's health check).
*/}}

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
