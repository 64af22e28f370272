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
