{{/*
The web Service and the web pod's metrics objects.
*/}}

{{/*
magento-common.web.service: the Service in front of the web pods (nginx's http port only), with
the given annotations.
Usage: {{ include "magento-common.web.service" (dict "context" $ "annotations" $annotations) }}
*/}}
{{- define "magento-common.web.service" -}}
{{- $ctx := .context -}}
apiVersion: v1
kind: Service
metadata:
  {{- include "magento-common.labels.metadata" (dict "context" $ctx "component" "web" "name" (include "magento-common.names.component" (dict "context" $ctx "component" "web")) "annotations" .annotations) | nindent 2 }}
spec:
  type: {{ $ctx.Values.service.type }}
  selector:
    {{- include "magento-common.labels.selector" (dict "context" $ctx "component" "web") | nindent 4 }}
  ports:
    - name: http
      port: {{ $ctx.Values.service.port }}
      targetPort: http
      protocol: TCP
{{- end -}}

{{/*
magento-common.web.metrics: with metrics.enabled, the metrics Service of the web pods (nginx's and
php-fpm's exporters) and, with metrics.serviceMonitor.enabled, its ServiceMonitor.
Usage: {{ include "magento-common.web.metrics" $ }}
*/}}
{{- define "magento-common.web.metrics" -}}
{{- if .Values.metrics.enabled }}
{{- $m := .Values.metrics }}
{{- $name := include "magento-common.names.component" (dict "context" $ "component" "metrics") }}
apiVersion: v1
kind: Service
metadata:
  {{- include "magento-common.labels.metadata" (dict "context" $ "component" "metrics" "name" $name) | nindent 2 }}
spec:
  type: ClusterIP
  selector:
    {{- include "magento-common.labels.selector" (dict "context" $ "component" "web") | nindent 4 }}
  ports:
    - name: metrics-nginx
      port: {{ $m.nginx.port }}
      targetPort: metrics-nginx
      protocol: TCP
    - name: metrics-php
      port: {{ $m.phpFpm.port }}
      targetPort: metrics-php
      protocol: TCP
{{- if $m.serviceMonitor.enabled }}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  {{- $meta := include "magento-common.labels.metadata" (dict "context" $ "component" "metrics" "name" $name) | fromYaml }}
  {{- $_ := set $meta "labels" (merge (dict) $m.serviceMonitor.labels $meta.labels) }}
  {{- toYaml $meta | nindent 2 }}
spec:
  selector:
    matchLabels:
      {{- include "magento-common.labels.selector" (dict "context" $ "component" "metrics") | nindent 6 }}
  endpoints:
    {{- range list "metrics-nginx" "metrics-php" }}
    - port: {{ . }}
      path: /metrics
      interval: {{ $m.serviceMonitor.interval }}
      scrapeTimeout: {{ $m.serviceMonitor.scrapeTimeout }}
    {{- end }}
{{- end }}
{{- end }}
{{- end -}}
