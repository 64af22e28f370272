{{/*
magento2.web.copyPub: the init container of "copy" code sharing: copies the store's pub/ (without
media, the shared volume) from the app image into the volume nginx serves.
Usage: {{- include "magento2.web.copyPub" $ | nindent 8 }}
*/}}
{{- define "magento2.web.copyPub" -}}
{{- $w := .Values.web -}}
{{- $pd := .Values.podDefaults -}}
{{- $root := $pd.documentRoot -}}
# Copies the store's pub/ (without media, which is the shared volume) from the app image
# into the volume nginx serves, so both containers see the same build.
- name: copy-pub
  image: {{ include "magento2.image" $ }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  command:
    - /bin/sh
    - -c
    - {{ include "magento2.script" (dict "context" $ "name" "copy-pub.sh") | quote }}
    - copy-pub
    - {{ $root }}/pub
    - /code
  securityContext:
    {{- include "magento-common.security.containerSecurityContext" $w.php.containerSecurityContext | nindent 4 }}
  resources:
    {{- include "magento-common.resources" (dict "resources" $pd.initResources) | nindent 4 }}
  volumeMounts:
    - name: code
      mountPath: /code
{{- end -}}

{{/*
magento2.web.nginxExporter: the container that turns nginx's stub_status (health server, loopback
only) into Prometheus metrics (metrics.nginx).
Usage: {{- include "magento2.web.nginxExporter" $ | nindent 8 }}
*/}}
{{- define "magento2.web.nginxExporter" -}}
{{- $w := .Values.web -}}
{{- $m := .Values.metrics.nginx -}}
# nginx's stub_status (health server, loopback only) as Prometheus metrics.
- name: nginx-exporter
  image: {{ include "magento-common.images.image" (dict "context" $ "image" $m.image "path" "metrics.nginx.image") }}
  imagePullPolicy: {{ $m.image.pullPolicy }}
  command:
    - {{ $m.command }}
    - --nginx.scrape-uri=http://127.0.0.1:{{ $w.nginx.healthPort }}/stub_status
    - --web.listen-address=:{{ $m.port }}
    - --web.telemetry-path=/metrics
  ports:
    - name: metrics-nginx
      containerPort: {{ $m.port }}
      protocol: TCP
  securityContext:
    {{- include "magento-common.security.containerSecurityContext" dict | nindent 4 }}
  resources:
    {{- include "magento-common.resources" (dict "resources" $m.resources "storage" (list "16Mi" "128Mi")) | nindent 4 }}
{{- end -}}
