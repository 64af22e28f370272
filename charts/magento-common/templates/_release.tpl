{{/*
What a store release carries besides its components: its ServiceAccount and the objects the chart
does not know (extraDeploy). They read serviceAccount and extraDeploy.
*/}}

{{/*
magento-common.release.serviceAccount: the release's ServiceAccount (serviceAccount.create), whose
token no pod mounts (every pod sets automountServiceAccountToken false).
Usage: {{ include "magento-common.release.serviceAccount" $ }}
*/}}
{{- define "magento-common.release.serviceAccount" -}}
{{- if .Values.serviceAccount.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  {{- include "magento-common.labels.metadata" (dict "context" $ "component" "" "name" (include "magento-common.names.serviceAccount" $) "annotations" .Values.serviceAccount.annotations) | nindent 2 }}
automountServiceAccountToken: false
{{- end }}
{{- end -}}

{{/*
magento-common.release.extraDeploy: the objects of extraDeploy, each a map or a string, rendered
with tpl against the release (so they may use its names and values).
Usage: {{ include "magento-common.release.extraDeploy" $ }}
*/}}
{{- define "magento-common.release.extraDeploy" -}}
{{- range .Values.extraDeploy }}
---
{{ if kindIs "string" . }}{{ tpl . $ }}{{ else }}{{ tpl (toYaml .) $ }}{{ end }}
{{- end }}
{{- end -}}
