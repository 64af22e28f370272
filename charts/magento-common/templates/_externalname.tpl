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
