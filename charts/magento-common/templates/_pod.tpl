{{/*
magento-common.pod.scheduling: the scheduling fields of a pod spec from a component block:
priorityClassName, nodeSelector, tolerations, affinity and topologySpreadConstraints. When the
block sets no topologySpreadConstraints and `spread` is true, pods of the component are spread
across nodes and zones (ScheduleAnyway, so a small cluster still schedules them).
The block is layered over the chart's podDefaults (magento-common.pod.layered).
Usage: {{- include "magento-common.pod.scheduling" (dict "context" $ "component" "web" "values" .Values.web "spread" true) | nindent 6 }}
*/}}
{{- define "magento-common.pod.scheduling" -}}
{{- $ctx := .context -}}
{{- $v := include "magento-common.pod.layered" . | fromJson -}}
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
standard labels, the block's podLabels/podAnnotations (over the chart's podDefaults), the given extra labels and annotations (checksums) and
the pod's deliberate kube-score exceptions (magento-common.kubeScore.annotations; `kubeScore`:
extra check IDs).
Usage: {{- include "magento-common.pod.metadata" (dict "context" $ "component" "web" "values" .Values.web "labels" $labels "annotations" $checksums) | nindent 4 }}
*/}}
{{- define "magento-common.pod.metadata" -}}
{{- $ctx := .context -}}
{{- $v := include "magento-common.pod.layered" . | fromJson -}}
labels:
  {{- include "magento-common.labels.standard" (dict "context" $ctx "component" .component) | nindent 2 }}
  {{- with merge (dict) (default (dict) .labels) (default (dict) $v.podLabels) }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- $kubeScore := include "magento-common.kubeScore.annotations" (dict "context" $ctx "extra" .kubeScore) | fromYaml }}
{{- $annotations := merge (dict) (default (dict) .annotations) (default (dict) $v.podAnnotations) $kubeScore }}
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

{{/*
magento-common.pod.layered: the pod keys of a component block layered over the chart's
podDefaults (absent in a chart without one), as JSON: what the block sets wins, maps merge key by
key with the block's keys winning, and an empty value ("", {}, []) takes the default. Only the pod
keys (labels, annotations, security context, scheduling) are layered; the result holds nothing
else, and no key that both leave empty.
Usage: {{- $v := include "magento-common.pod.layered" (dict "context" $ "values" .Values.web) | fromJson -}}
*/}}
{{- define "magento-common.pod.layered" -}}
{{- $keys := list "podLabels" "podAnnotations" "podSecurityContext" "priorityClassName" "nodeSelector" "tolerations" "affinity" "topologySpreadConstraints" -}}
{{- $block := default (dict) .values -}}
{{- $defaults := default (dict) .context.Values.podDefaults -}}
{{- $out := dict -}}
{{- range $keys -}}
{{- $value := deepCopy (dict "v" (get $block .)) -}}
{{- $_ := merge $value (deepCopy (dict "v" (get $defaults .))) -}}
{{- if $value.v }}{{ $_ := set $out . $value.v }}{{ end -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{/*
magento-common.pod.spec: the pod-level fields every pod of a store or of the shared services
shares: no ServiceAccount token, no service links, the pull secrets, the pod securityContext of
Pod Security "restricted" with the block's (layered over podDefaults) on top, and the block's
scheduling (magento-common.pod.scheduling). With `serviceAccountName` (a name) the pod runs as it.
Usage: {{- include "magento-common.pod.spec" (dict "context" $ "component" "web" "values" .Values.web "spread" true "serviceAccountName" $sa) | nindent 6 }}
*/}}
{{- define "magento-common.pod.spec" -}}
{{- with .serviceAccountName -}}
serviceAccountName: {{ . }}
{{ end -}}
automountServiceAccountToken: false
enableServiceLinks: false
{{- include "magento-common.images.pullSecrets" .context }}
securityContext:
  {{- include "magento-common.security.podSecurityContext" (include "magento-common.pod.layered" . | fromJson).podSecurityContext | nindent 2 }}
{{- include "magento-common.pod.scheduling" . }}
{{- end -}}
