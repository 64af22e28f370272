{{/*
How a store is published: the front Service (Varnish's when the chart has and enables it, else the
web pods'), its annotations, the Ingress, the cert-manager Certificate, and the GKE load balancer
objects (BackendConfig, FrontendConfig, ManagedCertificate). They read the values every store chart
shares: service, ingress, gke, web (and varnish when the chart has it).
*/}}

{{/*
magento-common.web.tlsSecretName: the Secret with the Ingress's certificate.
Usage: {{ include "magento-common.web.tlsSecretName" $ }}
*/}}
{{- define "magento-common.web.tlsSecretName" -}}
{{- default (include "magento-common.names.component" (dict "context" . "component" "tls")) .Values.ingress.tls.secretName -}}
{{- end -}}

{{/*
magento-common.web.frontService: the Service that receives the store's traffic from the Ingress or the
HTTPRoute: Varnish's when varnish.enabled, else the web pods'.
Usage: {{ include "magento-common.web.frontService" $ }}
*/}}
{{- define "magento-common.web.frontService" -}}
{{- include "magento-common.names.component" (dict "context" . "component" (ternary "varnish" "web" (eq (toString (.Values.varnish).enabled) "true"))) -}}
{{- end -}}

{{/*
magento-common.web.serviceAnnotations: the annotations of the front Service: service.annotations, and on
GKE the BackendConfig and container-native load balancing (NEG) annotations.
Usage: {{ include "magento-common.web.serviceAnnotations" $ | fromJson }}
*/}}
{{- define "magento-common.web.serviceAnnotations" -}}
{{- $annotations := deepCopy .Values.service.annotations -}}
{{- if .Values.gke.backendConfig.enabled -}}
{{- $_ := set $annotations "cloud.google.com/backend-config" (dict "default" (include "magento-common.names.component" (dict "context" . "component" "web")) | toJson) -}}
{{- end -}}
{{- if include "magento-common.web.gce" . -}}
{{- $_ := set $annotations "cloud.google.com/neg" (dict "ingress" true | toJson) -}}
{{- end -}}
{{- toJson $annotations -}}
{{- end -}}

{{/*
magento-common.web.ingress: the Ingress that publishes the store (ingress): TLS, cert-manager annotations, the ingress-nginx proxy settings Magento needs, the GKE certificate, FrontendConfig and static IP.
Usage: {{ include "magento-common.web.ingress" $ }}
*/}}
{{- define "magento-common.web.ingress" -}}
{{- if .Values.ingress.enabled }}
{{- $in := .Values.ingress }}
{{- $annotations := dict }}
{{- if and $in.magentoProxyDefaults (eq $in.className "nginx") }}
{{- /* Magento's response headers are large, uploads and admin requests are long. */ -}}
{{- $_ := set $annotations "nginx.ingress.kubernetes.io/proxy-buffer-size" "256k" }}
{{- $_ := set $annotations "nginx.ingress.kubernetes.io/proxy-buffers-number" "8" }}
{{- $_ := set $annotations "nginx.ingress.kubernetes.io/proxy-body-size" .Values.web.nginx.clientMaxBodySize }}
{{- $_ := set $annotations "nginx.ingress.kubernetes.io/proxy-read-timeout" (toString .Values.web.nginx.fastcgiReadTimeout) }}
{{- $_ := set $annotations "nginx.ingress.kubernetes.io/proxy-send-timeout" (toString .Values.web.nginx.fastcgiReadTimeout) }}
{{- $_ := set $annotations "nginx.ingress.kubernetes.io/ssl-redirect" (toString $in.tls.enabled) }}
{{- end }}
{{- if and $in.certManager.enabled (eq $in.certManager.mode "annotation") }}
{{- $_ := set $annotations (ternary "cert-manager.io/cluster-issuer" "cert-manager.io/issuer" (eq $in.certManager.issuerKind "ClusterIssuer")) $in.certManager.issuerName }}
{{- end }}
{{- if .Values.gke.managedCertificate.enabled }}
{{- $_ := set $annotations "networking.gke.io/managed-certificates" (include "magento-common.names.component" (dict "context" $ "component" "web")) }}
{{- end }}
{{- if .Values.gke.frontendConfig.enabled }}
{{- $_ := set $annotations "networking.gke.io/v1beta1.FrontendConfig" (include "magento-common.names.component" (dict "context" $ "component" "web")) }}
{{- end }}
{{- with .Values.gke.staticIpName }}
{{- $_ := set $annotations "kubernetes.io/ingress.global-static-ip-name" . }}
{{- end }}
{{- $tlsSecret := ternary "" (include "magento-common.web.tlsSecretName" $) .Values.gke.managedCertificate.enabled }}
{{- include "magento-common.ingress" (dict "context" $ "name" (include "magento-common.names.component" (dict "context" $ "component" "web")) "component" "web" "ingress" $in "service" (include "magento-common.web.frontService" $) "port" "http" "tlsSecret" $tlsSecret "annotations" $annotations) }}
{{- end }}
{{- end -}}

{{/*
magento-common.web.certificate: the cert-manager Certificate, when the chart renders it instead of the ingress-shim (ingress.certManager.mode "certificate").
Usage: {{ include "magento-common.web.certificate" $ }}
*/}}
{{- define "magento-common.web.certificate" -}}
{{- $cm := .Values.ingress.certManager }}
{{- if and .Values.ingress.enabled $cm.enabled (eq $cm.mode "certificate") }}
{{- include "magento-common.certificate" (dict "context" $ "name" (include "magento-common.names.component" (dict "context" $ "component" "web")) "component" "web" "hosts" .Values.ingress.hosts "issuer" (dict "name" $cm.issuerName "kind" $cm.issuerKind) "secretName" (include "magento-common.web.tlsSecretName" $)) }}
{{- end }}
{{- end -}}

{{/*
magento-common.gke.backendConfig: the GCE load balancer back end of the front Service: health check on the port those pods serve, timeouts, draining.
Usage: {{ include "magento-common.gke.backendConfig" $ }}
*/}}
{{- define "magento-common.gke.backendConfig" -}}
{{- $b := .Values.gke.backendConfig }}
{{- if $b.enabled }}
apiVersion: cloud.google.com/v1
kind: BackendConfig
metadata:
  {{- include "magento-common.labels.metadata" (dict "context" $ "component" "web" "name" (include "magento-common.names.component" (dict "context" $ "component" "web"))) | nindent 2 }}
spec:
  timeoutSec: {{ $b.timeoutSec }}
  connectionDraining:
    drainingTimeoutSec: {{ $b.drainingTimeoutSec }}
  healthCheck:
    type: HTTP
    requestPath: {{ $b.healthCheckPath | default (ternary "/varnish-health" "/health_check.php" (eq (toString (.Values.varnish).enabled) "true")) }}
    port: {{ ternary (.Values.varnish).port .Values.web.nginx.port (eq (toString (.Values.varnish).enabled) "true") }}
    checkIntervalSec: 10
    timeoutSec: 5
    healthyThreshold: 1
    unhealthyThreshold: 3
  {{- if $b.cdn }}
  cdn:
    enabled: true
  {{- end }}
{{- end }}
{{- end -}}

{{/*
magento-common.gke.frontendConfig: the GCE load balancer front end: HTTP to HTTPS redirect and SSL policy.
Usage: {{ include "magento-common.gke.frontendConfig" $ }}
*/}}
{{- define "magento-common.gke.frontendConfig" -}}
{{- $f := .Values.gke.frontendConfig }}
{{- if $f.enabled }}
apiVersion: networking.gke.io/v1beta1
kind: FrontendConfig
metadata:
  {{- include "magento-common.labels.metadata" (dict "context" $ "component" "web" "name" (include "magento-common.names.component" (dict "context" $ "component" "web"))) | nindent 2 }}
spec:
  redirectToHttps:
    enabled: {{ $f.redirectToHttps }}
    responseCodeName: MOVED_PERMANENTLY_DEFAULT
  {{- with $f.sslPolicy }}
  sslPolicy: {{ . }}
  {{- end }}
{{- end }}
{{- end -}}

{{/*
magento-common.gke.managedCertificate: a Google-managed certificate for the ingress hosts (GCE Ingress).
Usage: {{ include "magento-common.gke.managedCertificate" $ }}
*/}}
{{- define "magento-common.gke.managedCertificate" -}}
{{- if .Values.gke.managedCertificate.enabled }}
apiVersion: networking.gke.io/v1
kind: ManagedCertificate
metadata:
  {{- include "magento-common.labels.metadata" (dict "context" $ "component" "web" "name" (include "magento-common.names.component" (dict "context" $ "component" "web"))) | nindent 2 }}
spec:
  domains:
    {{- range .Values.ingress.hosts }}
    - {{ . | quote }}
    {{- end }}
{{- end }}
{{- end -}}
