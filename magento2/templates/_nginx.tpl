{{/*
nginx: what the nginx configuration needs beyond the values.
*/}}

{{/*
magento2.nginx.trustedProxies: the addresses whose X-Forwarded-For nginx trusts, as a JSON list:
web.nginx.trustedProxies, plus Google's load balancer and health-check ranges when a GCE Ingress
class sends traffic straight to the pods (container-native load balancing).
Usage: {{ include "magento2.nginx.trustedProxies" $ | fromJsonArray }}
*/}}
{{- define "magento2.nginx.trustedProxies" -}}
{{- $list := .Values.web.nginx.trustedProxies -}}
{{- if include "magento2.gce" . -}}
{{- $list = concat $list (list "130.211.0.0/22" "35.191.0.0/16") | uniq -}}
{{- end -}}
{{- toJson $list -}}
{{- end -}}
