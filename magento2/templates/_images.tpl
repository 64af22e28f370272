{{/*
The images of the magento2 chart: the store's app image and the nginx image.
*/}}

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
