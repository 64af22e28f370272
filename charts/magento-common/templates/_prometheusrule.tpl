{{/*
magento-common.prometheusRule: a store's PrometheusRule (metrics.prometheusRule): cron that has
not succeeded for metrics.prometheusRule.cronMinutes, php-fpm saturated (requests queue for a
worker) for metrics.prometheusRule.phpFpmQueueMinutes, the schema/setup Job failed. Metric names:
kube-state-metrics v2.16 (internal/store/cronjob.go: kube_cronjob_status_last_successful_time,
kube_cronjob_spec_suspend {namespace, cronjob}; internal/store/job.go: kube_job_failed
{namespace, job_name, condition}) and php-fpm's own status page as OpenMetrics
(phpfpm_listen_queue; tests/config checks the real php-fpm serves it), scraped through the
chart's metrics Service (job label = its name). `cronJobs`: the CronJobs' names; `setupJob`: the
hook Job's name (its manual runs add "-<digits>"); `setup`: what that Job does; `app` and `jobAlert`:
the alerts' names ("<app>CronNotSucceeding", "<app><jobAlert>JobFailed").
Usage: {{ include "magento-common.prometheusRule" (dict "context" $ "cronJobs" $names "setupJob" $job "setup" "the database upgrade" "app" "Magento" "jobAlert" "Upgrade") }}
*/}}
{{- define "magento-common.prometheusRule" -}}
{{- $ctx := .context -}}
{{- $r := $ctx.Values.metrics.prometheusRule -}}
{{- $ns := $ctx.Release.Namespace -}}
{{- $fullname := include "magento-common.names.fullname" $ctx -}}
{{- $metrics := include "magento-common.names.component" (dict "context" $ctx "component" "metrics") -}}
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  {{- $meta := include "magento-common.labels.metadata" (dict "context" $ctx "component" "alerts" "name" (include "magento-common.names.component" (dict "context" $ctx "component" "alerts"))) | fromYaml }}
  {{- $_ := set $meta "labels" (merge (dict) $r.labels $meta.labels) }}
  {{- toYaml $meta | nindent 2 }}
spec:
  groups:
    - name: {{ $fullname }}
      rules:
        {{- with .cronJobs }}
        - alert: {{ $.app }}CronNotSucceeding
          expr: |
            (time() - max by (namespace, cronjob) (kube_cronjob_status_last_successful_time{namespace="{{ $ns }}", cronjob=~"{{ join "|" . }}"})) / 60
              > {{ $r.cronMinutes }}
            unless on (namespace, cronjob) (kube_cronjob_spec_suspend == 1)
          labels:
            severity: critical
          annotations:
            summary: "Cron {{ "{{ $labels.cronjob }}" }} has not succeeded for {{ "{{ $value | humanize }}" }} minutes"
            description: "Indexers, emails, sitemaps and scheduled prices stop while cron does not run."
        {{- end }}
        {{- if $ctx.Values.metrics.enabled }}
        - alert: {{ $.app }}PhpFpmSaturated
          expr: max by (namespace, pod) (phpfpm_listen_queue{namespace="{{ $ns }}", job="{{ $metrics }}"}) > 0
          for: {{ $r.phpFpmQueueMinutes }}m
          labels:
            severity: warning
          annotations:
            summary: "php-fpm of {{ "{{ $labels.pod }}" }} has had requests waiting for a worker for {{ $r.phpFpmQueueMinutes }} minutes"
            description: "Every worker is busy: latency climbs. Check the autoscaler's maxReplicas and the namespace's quota."
        {{- end }}
        {{- with .setupJob }}
        - alert: {{ $.app }}{{ $.jobAlert }}JobFailed
          expr: max by (namespace, job_name) (kube_job_failed{namespace="{{ $ns }}", job_name=~"{{ . }}(-[0-9]+)?", condition="true"}) == 1
          labels:
            severity: critical
          annotations:
            summary: "Job {{ "{{ $labels.job_name }}" }} ({{ $.setup }}) failed"
            description: "The release did not roll out: the old pods still serve, the database may be half-way. Read the Job's logs before retrying."
        {{- end }}
{{- end -}}
