{{/*
The magento2 chart's names and metadata: thin wrappers over the magento-common library.
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
magento2.varnish.headless: the headless Service that gives every Varnish pod a stable name.
*/}}
{{- define "magento2.varnish.headless" -}}
{{- include "magento2.name" (dict "context" . "component" "varnish-pods") -}}
{{- end -}}
