{{/*
The store's shared volumes.
*/}}

{{/*
magento-common.persistence.claims: the PersistentVolumeClaims of persistence.media and
persistence.var (when enabled and no existingClaim is given), kept by Helm on uninstall
(helm.sh/resource-policy: keep): a store's media outlives its release.
Usage: {{ include "magento-common.persistence.claims" $ }}
*/}}
{{- define "magento-common.persistence.claims" -}}
{{- $ctx := . -}}
{{- range $key := list "media" "var" }}
{{- $p := index $ctx.Values.persistence $key }}
{{- if and $p.enabled (not $p.existingClaim) }}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  {{- include "magento-common.labels.metadata" (dict "context" $ctx "component" $key "name" (include "magento-common.names.component" (dict "context" $ctx "component" $key)) "annotations" (merge (dict "helm.sh/resource-policy" "keep") (default (dict) $p.annotations))) | nindent 2 }}
spec:
  accessModes:
    {{- toYaml $p.accessModes | nindent 4 }}
  {{- with $p.storageClass }}
  storageClassName: {{ . | quote }}
  {{- end }}
  resources:
    requests:
      storage: {{ $p.size }}
{{- end }}
{{- end }}
{{- end -}}
