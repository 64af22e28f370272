{{/*
The store's Gateway API HTTPRoute and the public base URL every store chart derives from its
Ingress or route. They read the values every store chart shares: magento.baseUrl, ingress,
httpRoute, service, web.nginx (and varnish when the chart has it).
*/}}

{{/*
magento-common.web.httpRouteHostnames: the HTTPRoute's host names as a JSON list:
httpRoute.hostnames, else ingress.hosts.
Usage: {{ include "magento-common.web.httpRouteHostnames" $ | fromJsonArray }}
*/}}
{{- define "magento-common.web.httpRouteHostnames" -}}
{{- (.Values.httpRoute).hostnames | default .Values.ingress.hosts | default list | toJson -}}
{{- end -}}

{{/*
magento-common.web.baseUrl: the public base URL: magento.baseUrl, else https:// (http:// without
TLS) and the first ingress host, else https:// and the first HTTPRoute host name; empty when none
is known.
Usage: {{ include "magento-common.web.baseUrl" $ }}
*/}}
{{- define "magento-common.web.baseUrl" -}}
{{- $routeHosts := include "magento-common.web.httpRouteHostnames" . | fromJsonArray -}}
{{- if .Values.magento.baseUrl -}}
{{- .Values.magento.baseUrl -}}
{{- else if and .Values.ingress.enabled .Values.ingress.hosts -}}
{{- printf "%s://%s/" (ternary "https" "http" .Values.ingress.tls.enabled) (first .Values.ingress.hosts) -}}
{{- else if and (.Values.httpRoute).enabled $routeHosts -}}
{{- printf "https://%s/" (first $routeHosts) -}}
{{- end -}}
{{- end -}}

{{/*
magento-common.web.httpRoute: the HTTPRoute that attaches the store's front Service (Varnish's or
the web pods') to existing Gateway listeners (httpRoute), with nginx's long request timeout.
Refuses a route without parentRefs or host names.
Usage: {{ include "magento-common.web.httpRoute" $ }}
*/}}
{{- define "magento-common.web.httpRoute" -}}
{{- if .Values.httpRoute.enabled }}
{{- $r := .Values.httpRoute }}
{{- $hostnames := include "magento-common.web.httpRouteHostnames" $ | fromJsonArray }}
{{- if not $r.parentRefs }}
{{- fail "httpRoute.parentRefs is required when httpRoute.enabled is true: name the Gateway (and listener) the store attaches to" }}
{{- end }}
{{- if not $hostnames }}
{{- fail "httpRoute.hostnames is required when httpRoute.enabled is true (or set ingress.hosts): a route without host names would take every host of the Gateway" }}
{{- end }}
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  {{- include "magento-common.labels.metadata" (dict "context" $ "component" "web" "name" (include "magento-common.names.component" (dict "context" $ "component" "web")) "annotations" $r.annotations) | nindent 2 }}
spec:
  parentRefs:
    {{- toYaml $r.parentRefs | nindent 4 }}
  hostnames:
    {{- toYaml $hostnames | nindent 4 }}
  rules:
    - matches:
        - path:
            type: PathPrefix
            value: {{ $r.path }}
      backendRefs:
        - name: {{ include "magento-common.web.frontService" $ }}
          port: {{ .Values.service.port }}
      # Long admin requests and exports, as nginx allows them (web.nginx.fastcgiReadTimeout).
      timeouts:
        request: {{ .Values.web.nginx.fastcgiReadTimeout }}s
{{- end }}
{{- end -}}

{{/*
magento-common.web.notesUrls: the NOTES.txt lines that say where the store answers: the Ingress's
URLs, else the HTTPRoute's, else how to port-forward to the front Service; the admin URL.
Usage: {{ include "magento-common.web.notesUrls" $ }}
*/}}
{{- define "magento-common.web.notesUrls" -}}
{{- if .Values.ingress.enabled }}

Store URLs:
{{- range .Values.ingress.hosts }}
  {{ ternary "https" "http" $.Values.ingress.tls.enabled }}://{{ . }}/
{{- end }}
Admin: {{ include "magento-common.web.baseUrl" $ }}{{ .Values.magento.adminPath }}
{{- else if (.Values.httpRoute).enabled }}

Store URLs (HTTPRoute on {{ range $i, $p := .Values.httpRoute.parentRefs }}{{ if $i }}, {{ end }}Gateway {{ $p.name }}{{ end }}):
{{- range (include "magento-common.web.httpRouteHostnames" $ | fromJsonArray) }}
  https://{{ . }}/
{{- end }}
Admin: {{ include "magento-common.web.baseUrl" $ }}{{ .Values.magento.adminPath }}
{{- else }}

No Ingress (ingress.enabled=false). Reach the store with:
  kubectl -n {{ .Release.Namespace }} port-forward svc/{{ include "magento-common.web.frontService" $ }} 8080:{{ .Values.service.port }}
  then open http://127.0.0.1:8080/
{{- end }}
{{- end -}}
