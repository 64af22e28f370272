{{/*
magento-common.ingress: a networking.k8s.io/v1 Ingress that routes every host of an `ingress`
block {className, annotations, hosts, path, pathType, tls{enabled, secretName}} to one Service
port. The GCE classes ("gce", "gce-internal") are set by annotation, as GKE expects; other classes
by spec.ingressClassName. `annotations` are added to the block's own.
Usage: {{ include "magento-common.ingress" (dict "context" $ "name" $name "component" "web" "ingress" .Values.ingress "service" $svc "port" "http" "tlsSecret" $secret "annotations" $extra) }}
*/}}
{{- define "magento-common.ingress" -}}
{{- $ctx := .context -}}
{{- $in := .ingress -}}
{{- $gce := has $in.className (list "gce" "gce-internal") -}}
{{- $annotations := merge (dict) (default (dict) $in.annotations) (default (dict) .annotations) -}}
{{- if $gce -}}{{- $_ := set $annotations "kubernetes.io/ingress.class" $in.className -}}{{- end -}}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  {{- include "magento-common.labels.metadata" (dict "context" $ctx "component" .component "name" .name "annotations" $annotations) | nindent 2 }}
spec:
  {{- if and $in.className (not $gce) }}
  ingressClassName: {{ $in.className }}
  {{- end }}
  {{- if and $in.tls.enabled .tlsSecret }}
  tls:
    - secretName: {{ .tlsSecret }}
      hosts:
        {{- range $in.hosts }}
        - {{ . | quote }}
        {{- end }}
  {{- end }}
  rules:
    {{- range $host := $in.hosts }}
    - host: {{ $host | quote }}
      http:
        paths:
          - path: {{ $in.path }}
            pathType: {{ $in.pathType }}
            backend:
              service:
                name: {{ $.service }}
                port:
                  name: {{ $.port }}
    {{- end }}
{{- end -}}

{{/*
magento-common.certificate: a cert-manager.io/v1 Certificate for every host of an `ingress` block,
issued by `issuer` {name, kind} into `secretName`.
Usage: {{ include "magento-common.certificate" (dict "context" $ "name" $name "component" "web" "hosts" .Values.ingress.hosts "issuer" $issuer "secretName" $secret) }}
*/}}
{{- define "magento-common.certificate" -}}
{{- $ctx := .context -}}
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  {{- include "magento-common.labels.metadata" (dict "context" $ctx "component" .component "name" .name) | nindent 2 }}
spec:
  secretName: {{ .secretName }}
  dnsNames:
    {{- range .hosts }}
    - {{ . | quote }}
    {{- end }}
  issuerRef:
    name: {{ .issuer.name }}
    kind: {{ .issuer.kind }}
    group: cert-manager.io
  privateKey:
    rotationPolicy: Always
{{- end -}}
