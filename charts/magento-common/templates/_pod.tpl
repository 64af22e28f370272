{{/*
magento-common.pod.scheduling: the scheduling fields of a pod spec from a component block:
priorityClassName, nodeSelector, tolerations, affinity and topologySpreadConstraints. When the
block sets no topologySpreadConstraints and `spread` is true, pods of the component are spread
across nodes and zones (ScheduleAnyway, so a small cluster still schedules them).
Usage: {{- include "magento-common.pod.scheduling" (dict "context" $ "component" "web" "values" .Values.web "spread" true) | nindent 6 }}
*/}}
{{- define "magento-common.pod.scheduling" -}}
{{- $ctx := .context -}}
{{- $v := .values -}}
{{- with $v.priorityClassName }}
priorityClassName: {{ . | quote }}
{{- end }}
{{- with $v.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if $v.topologySpreadConstraints }}
topologySpreadConstraints:
  {{- toYaml $v.topologySpreadConstraints | nindent 2 }}
{{- else if .spread }}
topologySpreadConstraints:
{{- range $key := list "kubernetes.io/hostname" "topology.kubernetes.io/zone" }}
  - maxSkew: 1
    topologyKey: {{ $key }}
    whenUnsatisfiable: ScheduleAnyway
    labelSelector:
      matchLabels:
        {{- include "magento-common.labels.selector" (dict "context" $ctx "component" $.component) | nindent 8 }}
    matchLabelKeys:
      - pod-template-hash
{{- end }}
{{- end }}
{{- end -}}

{{/*
magento-common.pod.metadata: labels and annotations of a pod template: the selector labels, the
standard labels, the block's podLabels/podAnnotations, the given extra annotations (checksums) and
the pod's deliberate kube-score exceptions (magento-common.kubeScore.annotations; `kubeScore`:
extra check IDs).
Usage: {{- include "magento-common.pod.metadata" (dict "context" $ "component" "web" "values" .Values.web "annotations" $checksums) | nindent 4 }}
*/}}
{{- define "magento-common.pod.metadata" -}}
{{- $ctx := .context -}}
labels:
  {{- include "magento-common.labels.standard" (dict "context" $ctx "component" .component) | nindent 2 }}
  {{- with .values.podLabels }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- $kubeScore := include "magento-common.kubeScore.annotations" (dict "context" $ctx "extra" .kubeScore) | fromYaml }}
{{- $annotations := merge (dict) (default (dict) .annotations) (default (dict) .values.podAnnotations) $kubeScore }}
{{- with $annotations }}
annotations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
magento-common.pod.checksum: the sha256 of a rendered template of the calling chart, for a
`checksum/<name>` pod annotation that rolls the pods when that ConfigMap or Secret changes.
Usage: checksum/env: {{ include "magento-common.pod.checksum" (dict "context" $ "template" "/env/configmap.yaml") }}
*/}}
{{- define "magento-common.pod.checksum" -}}
{{- include (print .context.Template.BasePath .template) .context | sha256sum -}}
{{- end -}}
