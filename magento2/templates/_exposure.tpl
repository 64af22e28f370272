{{/*
magento2.tlsSecretName: the Secret with the Ingress's certificate.
Usage: {{ include "magento2.tlsSecretName" $ }}
*/}}
{{- define "magento2.tlsSecretName" -}}
{{- default (include "magento2.name" (dict "context" . "component" "tls")) .Values.ingress.tls.secretName -}}
{{- end -}}
