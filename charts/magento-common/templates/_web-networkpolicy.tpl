{{/*
The store's NetworkPolicies that every store chart shares. They read networkPolicy, metrics (and
varnish when the chart has it).
*/}}

{{/*
magento-common.web.networkPolicies: no ingress to any pod of the release, except the web pods'
HTTP port from networkPolicy.webFrom (from the Varnish pods instead when the chart runs Varnish:
the clients reach Varnish, which alone sends the misses) and, with metrics, their metrics ports
from networkPolicy.metricsFrom. Policies add up: a chart adds its own for other components.
Usage: {{ include "magento-common.web.networkPolicies" $ }}
*/}}
{{- define "magento-common.web.networkPolicies" -}}
{{- $np := .Values.networkPolicy -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  {{- include "magento-common.labels.metadata" (dict "context" $ "component" "network" "name" (include "magento-common.names.component" (dict "context" $ "component" "deny-ingress"))) | nindent 2 }}
spec:
  podSelector:
    matchLabels:
      {{- include "magento-common.labels.selector" (dict "context" $) | nindent 6 }}
  policyTypes:
    - Ingress
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  {{- include "magento-common.labels.metadata" (dict "context" $ "component" "web" "name" (include "magento-common.names.component" (dict "context" $ "component" "web"))) | nindent 2 }}
spec:
  podSelector:
    matchLabels:
      {{- include "magento-common.labels.selector" (dict "context" $ "component" "web") | nindent 6 }}
  policyTypes:
    - Ingress
  ingress:
    - ports:
        - port: http
          protocol: TCP
      {{- if $np.webFrom }}
      from:
        {{- if eq (toString (.Values.varnish).enabled) "true" }}
        # Varnish sends the misses; the clients reach Varnish.
        - podSelector:
            matchLabels:
              {{- include "magento-common.labels.selector" (dict "context" $ "component" "varnish") | nindent 14 }}
        {{- else }}
        {{- toYaml $np.webFrom | nindent 8 }}
        {{- end }}
      {{- end }}
    {{- if .Values.metrics.enabled }}
    - ports:
        - port: metrics-nginx
          protocol: TCP
        - port: metrics-php
          protocol: TCP
      {{- with $np.metricsFrom }}
      from:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    {{- end }}
{{- end -}}
