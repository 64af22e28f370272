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

{{/*
magento-common.persistence.volumes: the data volumes of a store pod: media and var (their claims,
or emptyDirs when persistence is off) and /tmp. With "hook" true (a hook Job, which runs before the
release's own objects exist) a claim of the chart is mounted only when it already exists (helm
upgrade): on a first install there is no claim yet and nothing to share, so the hook gets an
emptyDir instead of a pod that can never schedule. An existingClaim is always mounted.
Usage: {{ include "magento-common.persistence.volumes" (dict "context" $ "hook" false) }}
*/}}
{{- define "magento-common.persistence.volumes" -}}
{{- $ctx := .context -}}
{{- range $key := list "media" "var" }}
{{- $p := index $ctx.Values.persistence $key }}
{{- $claim := default (include "magento-common.names.component" (dict "context" $ctx "component" $key)) $p.existingClaim }}
{{- $mount := $p.enabled }}
{{- if and $mount $.hook (not $p.existingClaim) }}
{{- $mount = not (empty (lookup "v1" "PersistentVolumeClaim" $ctx.Release.Namespace $claim)) }}
{{- end }}
- name: {{ $key }}
  {{- if $mount }}
  persistentVolumeClaim:
    claimName: {{ $claim }}
  {{- else }}
  emptyDir:
    sizeLimit: {{ $ctx.Values.podDefaults.tmpSizeLimit }}
  {{- end }}
{{- end }}
- name: tmp
  emptyDir:
    sizeLimit: {{ $ctx.Values.podDefaults.tmpSizeLimit }}
{{- end -}}
