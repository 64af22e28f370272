{{/*
magento-common.labels.standard: the recommended labels for every object of a component, plus
.Values.commonLabels.
Usage: {{ include "magento-common.labels.standard" (dict "context" $ "component" "web") | nindent 4 }}
*/}}
{{- define "magento-common.labels.standard" -}}
{{- $ctx := .context -}}
{{ include "magento-common.labels.selector" . }}
app.kubernetes.io/part-of: {{ include "magento-common.names.name" $ctx }}
app.kubernetes.io/managed-by: {{ $ctx.Release.Service }}
helm.sh/chart: {{ include "magento-common.names.chart" $ctx }}
{{- with $ctx.Chart.AppVersion }}
app.kubernetes.io/version: {{ . | quote }}
{{- end }}
{{- with $ctx.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
magento-common.labels.selector: the immutable labels selectors use: name, instance, component.
Usage: {{ include "magento-common.labels.selector" (dict "context" $ "component" "web") | nindent 6 }}
*/}}
{{- define "magento-common.labels.selector" -}}
{{- $ctx := .context -}}
app.kubernetes.io/name: {{ include "magento-common.names.name" $ctx }}
app.kubernetes.io/instance: {{ $ctx.Release.Name }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end -}}

{{/*
magento-common.labels.metadata: name, namespace (the release's, or "namespace" for an object the
release puts into another one), labels and annotations (commonAnnotations merged with the extra
"annotations" dict) of an object.
Usage: {{- include "magento-common.labels.metadata" (dict "context" $ "component" "web" "name" $name "annotations" $a) | nindent 2 }}
*/}}
{{- define "magento-common.labels.metadata" -}}
{{- $ctx := .context -}}
name: {{ .name }}
namespace: {{ default $ctx.Release.Namespace .namespace }}
labels:
  {{- include "magento-common.labels.standard" (dict "context" $ctx "component" .component) | nindent 2 }}
{{- $annotations := merge (dict) (default (dict) .annotations) (default (dict) $ctx.Values.commonAnnotations) }}
{{- with $annotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
