{{/*
The magento2 parts of the web pod (magento-common.web.deployment calls them by the chart's name).
*/}}

{{/*
magento2.web.initContainers: env-php (the chart's env.php evaluated once into the plain array the
php-fpm workers read, files/env-php.php), and with web.codeSharing "copy" the init container that
copies the app image's pub/ (without media) into the volume nginx serves.
Usage: {{ include "magento2.web.initContainers" $ }}
*/}}
{{- define "magento2.web.initContainers" -}}
{{- include "magento2.container.envPhp" . }}
{{- if eq .Values.web.codeSharing "copy" }}
{{ include "magento-common.web.copyPubInit" (dict "context" . "from" (printf "%s/pub" .Values.podDefaults.documentRoot)) }}
{{- end -}}
{{- end -}}

{{/*
magento2.container.envPhp: the web pod's init container that runs files/env-php.php from the app
image with php-fpm's environment: the chart's env.php (app-etc ConfigMap) in, the evaluated
env.php out, into the in-memory "env-php" volume that php-fpm mounts read-only as app/etc/env.php.
Usage: {{- include "magento2.container.envPhp" $ | nindent 8 }}
*/}}
{{- define "magento2.container.envPhp" -}}
- name: env-php
  image: {{ include "magento2.image" . }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  command:
    - {{ .Values.magento.phpCli }}
    - /etc/magento/app-etc/env-php.php
    - /etc/magento/app-etc/env.php
    - /env-php/env.php
  {{- include "magento2.env.vars" (dict "context" . "hook" false "extraEnv" .Values.web.php.extraEnv) | nindent 2 }}
  securityContext:
    {{- include "magento-common.security.containerSecurityContext" .Values.web.php.containerSecurityContext | nindent 4 }}
  resources:
    {{- include "magento-common.resources" (dict "resources" .Values.podDefaults.initResources) | nindent 4 }}
  volumeMounts:
    - name: app-etc
      mountPath: /etc/magento/app-etc
      readOnly: true
    - name: env-php
      mountPath: /env-php
{{- end -}}

{{/*
magento2.web.nginxCodeMounts: what nginx serves from: pub/ of the copy ("copy"), the store's root
of the image volume ("image-volume"), the image's own ("app-image"), and the shared media at
pub/media.
Usage: {{- include "magento2.web.nginxCodeMounts" $ | nindent 12 }}
*/}}
{{- define "magento2.web.nginxCodeMounts" -}}
{{- $root := .Values.podDefaults.documentRoot -}}
{{- if eq .Values.web.codeSharing "copy" }}
- name: code
  mountPath: {{ $root }}/pub
  readOnly: true
{{- else if eq .Values.web.codeSharing "image-volume" }}
# An image volume holds the image's whole file system: mount only the store's root.
- name: code
  mountPath: {{ $root }}
  subPath: {{ trimPrefix "/" $root }}
  readOnly: true
{{- end }}
- name: media
  mountPath: {{ $root }}/pub/media
{{- end -}}
