{{/*
magento2.baseUrl: the public base URL: magento.baseUrl, else https:// (http:// without TLS) and the
first ingress host, else https:// and the first HTTPRoute host name; empty when none is known.
Usage: {{ include "magento2.baseUrl" $ }}
*/}}
{{- define "magento2.baseUrl" -}}
{{- if .Values.magento.baseUrl -}}
{{- .Values.magento.baseUrl -}}
{{- else if and .Values.ingress.enabled .Values.ingress.hosts -}}
{{- printf "%s://%s/" (ternary "https" "http" .Values.ingress.tls.enabled) (first .Values.ingress.hosts) -}}
{{- else if and .Values.httpRoute.enabled (include "magento2.httpRoute.hostnames" . | fromJsonArray) -}}
{{- printf "https://%s/" (first (include "magento2.httpRoute.hostnames" . | fromJsonArray)) -}}
{{- end -}}
{{- end -}}

{{/*
magento2.httpRoute.hostnames: the HTTPRoute's host names as a JSON list: httpRoute.hostnames, else
ingress.hosts.
Usage: {{ include "magento2.httpRoute.hostnames" $ | fromJsonArray }}
*/}}
{{- define "magento2.httpRoute.hostnames" -}}
{{- .Values.httpRoute.hostnames | default .Values.ingress.hosts | default list | toJson -}}
{{- end -}}
