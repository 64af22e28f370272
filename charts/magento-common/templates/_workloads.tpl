{{/*
magento-common.cronjob: a batch/v1 CronJob that never overlaps (concurrencyPolicy Forbid unless
set), with history limits, a starting deadline and Job limits from `cron` (a dict with schedule,
timeZone, suspend, concurrencyPolicy, startingDeadlineSeconds, successfulJobsHistoryLimit,
failedJobsHistoryLimit, backoffLimit, activeDeadlineSeconds, ttlSecondsAfterFinished). `podTemplate`
is the rendered pod template (metadata + spec) as YAML.
Usage: {{ include "magento-common.cronjob" (dict "context" $ "name" $name "component" "cron" "cron" $group "podTemplate" $tpl) }}
*/}}
{{- define "magento-common.cronjob" -}}
{{- $ctx := .context -}}
{{- $c := .cron -}}
apiVersion: batch/v1
kind: CronJob
metadata:
  {{- include "magento-common.labels.metadata" (dict "context" $ctx "component" .component "name" .name "annotations" .annotations) | nindent 2 }}
spec:
  schedule: {{ $c.schedule | quote }}
  {{- with $c.timeZone }}
  timeZone: {{ . | quote }}
  {{- end }}
  suspend: {{ $c.suspend | default false }}
  concurrencyPolicy: {{ $c.concurrencyPolicy | default "Forbid" }}
  startingDeadlineSeconds: {{ $c.startingDeadlineSeconds | default 60 }}
  successfulJobsHistoryLimit: {{ $c.successfulJobsHistoryLimit | default 3 }}
  failedJobsHistoryLimit: {{ $c.failedJobsHistoryLimit | default 3 }}
  jobTemplate:
    metadata:
      labels:
        {{- include "magento-common.labels.standard" (dict "context" $ctx "component" .component) | nindent 8 }}
    spec:
      backoffLimit: {{ $c.backoffLimit | default 0 }}
      {{- with $c.activeDeadlineSeconds }}
      activeDeadlineSeconds: {{ . }}
      {{- end }}
      {{- with $c.ttlSecondsAfterFinished }}
      ttlSecondsAfterFinished: {{ . }}
      {{- end }}
      template:
        {{- .podTemplate | nindent 8 }}
{{- end -}}

{{/*
magento-common.hpa: an autoscaling/v2 HorizontalPodAutoscaler for a Deployment from an
`autoscaling` block {minReplicas, maxReplicas, targetCPUUtilizationPercentage,
targetMemoryUtilizationPercentage, metrics, behavior}. `metrics` entries are added after the CPU and
memory ones as they are written.
Usage: {{ include "magento-common.hpa" (dict "context" $ "name" $name "component" "web" "target" $deploymentName "autoscaling" .Values.autoscaling) }}
*/}}
{{- define "magento-common.hpa" -}}
{{- $ctx := .context -}}
{{- $a := .autoscaling -}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  {{- include "magento-common.labels.metadata" (dict "context" $ctx "component" .component "name" .name) | nindent 2 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ .target }}
  minReplicas: {{ $a.minReplicas }}
  maxReplicas: {{ $a.maxReplicas }}
  metrics:
    {{- with $a.targetCPUUtilizationPercentage }}
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
    {{- with $a.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
    {{- with $a.metrics }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with $a.behavior }}
  behavior:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}

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

{{/*
magento-common.externalName: a Service of type ExternalName that gives a service living elsewhere
(e.g. the shared Redis in another namespace, or a managed service's DNS name) a stable name in the
store's namespace. `service` is {externalName, port}.
Usage: {{ include "magento-common.externalName" (dict "context" $ "name" $name "component" "redis" "service" .Values.externalServices.redis) }}
*/}}
{{- define "magento-common.externalName" -}}
{{- $ctx := .context -}}
apiVersion: v1
kind: Service
metadata:
  {{- include "magento-common.labels.metadata" (dict "context" $ctx "component" .component "name" .name) | nindent 2 }}
spec:
  type: ExternalName
  externalName: {{ .service.externalName }}
  ports:
    - name: {{ .component }}
      port: {{ .service.port }}
      targetPort: {{ .service.port }}
      protocol: TCP
{{- end -}}
