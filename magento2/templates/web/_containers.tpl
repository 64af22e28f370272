{{/*
The magento2 parts of the web pod (magento-common.web.deployment calls them by the chart's name).
*/}}

{{/*
magento2.web.initContainers: with web.codeSharing "copy", the init container that copies the app
image's pub/ (without media) into the volume nginx serves.
Usage: {{ include "magento2.web.initContainers" $ }}
*/}}
{{- define "magento2.web.initContainers" -}}
{{- if eq .Values.web.codeSharing "copy" -}}
{{- include "magento-common.web.copyPubInit" (dict "context" . "from" (printf "%s/pub" .Values.podDefaults.documentRoot)) -}}
{{- end -}}
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
