{{/*
The images of the magento2 chart: the store's app image (the nginx image: magento-common.web.nginxImage).
*/}}

{{/*
magento2.image: the app image reference.
Usage: {{ include "magento2.image" $ }}
*/}}
{{- define "magento2.image" -}}
{{- include "magento-common.web.appImage" . -}}
{{- end -}}
