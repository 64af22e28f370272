{{/*
magento-common.pdb: a policy/v1 PodDisruptionBudget for a component's pods from a `pdb` block
{minAvailable, maxUnavailable, unhealthyPodEvictionPolicy}; exactly one of the two budgets is used
(maxUnavailable wins when both are set).
Usage: {{ include "magento-common.pdb" (dict "context" $ "name" $name "component" "web" "pdb" .Values.web.pdb) }}
*/}}
{{- define "magento-common.pdb" -}}
{{- $ctx := .context -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  {{- include "magento-common.labels.metadata" (dict "context" $ctx "component" .component "name" .name) | nindent 2 }}
spec:
  {{- if not (kindIs "invalid" .pdb.maxUnavailable) }}
  maxUnavailable: {{ .pdb.maxUnavailable }}
  {{- else }}
  minAvailable: {{ .pdb.minAvailable }}
  {{- end }}
  {{- with .pdb.unhealthyPodEvictionPolicy }}
  unhealthyPodEvictionPolicy: {{ . }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "magento-common.labels.selector" (dict "context" $ctx "component" .component) | nindent 6 }}
{{- end -}}
