{{/*
magento2.tlsSecretName: the Secret with the Ingress's certificate.
Usage: {{ include "magento2.tlsSecretName" $ }}
*/}}
{{- define "magento2.tlsSecretName" -}}
{{- default (include "magento2.name" (dict "context" . "component" "tls")) .Values.ingress.tls.secretName -}}
{{- end -}}

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

{{/*
magento2.frontService: the Service that receives the store's traffic from the Ingress or the
HTTPRoute: Varnish's when varnish.enabled, else the web pods'.
Usage: {{ include "magento2.frontService" $ }}
*/}}
{{- define "magento2.frontService" -}}
{{- include "magento2.name" (dict "context" . "component" (ternary "varnish" "web" .Values.varnish.enabled)) -}}
{{- end -}}

{{/*
magento2.frontService.annotations: the annotations of the front Service: service.annotations, and on
GKE the BackendConfig and container-native load balancing (NEG) annotations.
Usage: {{ include "magento2.frontService.annotations" $ | fromJson }}
*/}}
{{- define "magento2.frontService.annotations" -}}
{{- $annotations := deepCopy .Values.service.annotations -}}
{{- if .Values.gke.backendConfig.enabled -}}
{{- $_ := set $annotations "cloud.google.com/backend-config" (dict "default" (include "magento2.name" (dict "context" . "component" "web")) | toJson) -}}
{{- end -}}
{{- if include "magento-common.web.gce" . -}}
{{- $_ := set $annotations "cloud.google.com/neg" (dict "ingress" true | toJson) -}}
{{- end -}}
{{- toJson $annotations -}}
{{- end -}}
