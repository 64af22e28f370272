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
