{{/*
The web pod's containers (magento-common.web.deployment puts them together): nginx, php-fpm, the
nginx exporter and the init container of "copy" code sharing.
*/}}

{{/*
magento-common.web.nginxContainer: nginx, tini as PID 1: the store on web.nginx.port, the health
server (probes, php-fpm's ping and the store's health check through php-fpm's health pool) on
web.nginx.healthPort, a graceful drain on stop.
Usage: {{- include "magento-common.web.nginxContainer" $ | nindent 8 }}
*/}}
{{- define "magento-common.web.nginxContainer" -}}
{{- $chart := .Chart.Name -}}
{{- $w := .Values.web -}}
{{- $pd := .Values.podDefaults -}}
{{- $drain := include "magento-common.web.drainSeconds" $ | int -}}
- name: nginx
  image: {{ include "magento-common.web.nginxImage" $ }}
  imagePullPolicy: {{ ternary .Values.image.pullPolicy $w.nginx.image.pullPolicy (eq $w.codeSharing "app-image") }}
  command:
    - {{ $pd.tiniPath }}
    - --
    - {{ $w.nginx.binary }}
    - -c
    - /etc/magento/nginx/nginx.conf
    - -e
    - stderr
    - -g
    - daemon off;
  ports:
    - name: http
      containerPort: {{ $w.nginx.port }}
      protocol: TCP
    - name: health
      containerPort: {{ $w.nginx.healthPort }}
      protocol: TCP
    {{- if .Values.metrics.enabled }}
    - name: metrics-php
      containerPort: {{ .Values.metrics.phpFpm.port }}
      protocol: TCP
    {{- end }}
  {{- with $w.nginx.extraEnv }}
  env:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  startupProbe:
    httpGet:
      path: /healthz
      port: health
    {{- toYaml $w.nginx.probes.startup | nindent 4 }}
  livenessProbe:
    httpGet:
      path: /healthz
      port: health
    {{- toYaml $w.nginx.probes.liveness | nindent 4 }}
  # The store's health check (database, caches) through php-fpm's health pool.
  readinessProbe:
    httpGet:
      path: /health_check.php
      port: health
    {{- toYaml $w.nginx.probes.readiness | nindent 4 }}
  lifecycle:
    # Keep serving while the endpoint leaves the Services and load balancers, then stop
    # gracefully: in-flight requests finish before nginx exits.
    preStop:
      exec:
        command:
          - /bin/sh
          - -c
          - sleep {{ $drain }}; {{ $w.nginx.binary }} -c /etc/magento/nginx/nginx.conf -e stderr -s quit; while [ -e /tmp/nginx.pid ]; do sleep 1; done
  securityContext:
    {{- include "magento-common.security.containerSecurityContext" $w.nginx.containerSecurityContext | nindent 4 }}
  resources:
    {{- include "magento-common.resources" (dict "resources" $w.nginx.resources) | nindent 4 }}
  volumeMounts:
    - name: nginx-config
      mountPath: /etc/magento/nginx
      readOnly: true
    - name: nginx-tmp
      mountPath: /tmp
    - name: php-fpm-socket
      mountPath: {{ include "magento-common.fpm.socketDir" $ }}
    {{- include (printf "%s.web.nginxCodeMounts" $chart) $ | trim | nindent 4 }}
    {{- with $w.nginx.extraVolumeMounts }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end -}}

{{/*
magento-common.web.phpContainer: php-fpm, tini as PID 1, on the shared socket volume; stops
after nginx's drain with SIGQUIT so running requests finish.
Usage: {{- include "magento-common.web.phpContainer" $ | nindent 8 }}
*/}}
{{- define "magento-common.web.phpContainer" -}}
{{- $chart := .Chart.Name -}}
{{- $w := .Values.web -}}
{{- $pd := .Values.podDefaults -}}
{{- $root := $pd.documentRoot -}}
{{- $drain := include "magento-common.web.drainSeconds" $ | int -}}
- name: php-fpm
  image: {{ include "magento-common.web.appImage" $ }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  workingDir: {{ $root }}
  command:
    - {{ $pd.tiniPath }}
    - --
    {{- toYaml $w.php.command | nindent 4 }}
    - --fpm-config
    - /etc/magento/php-fpm/php-fpm.conf
  {{- include (printf "%s.env.vars" $chart) (dict "context" $ "hook" false "extraEnv" $w.php.extraEnv) | nindent 2 }}
  # The kubelet resolves a probe's named port among the probed container's own ports only:
  # php-fpm's probes reach nginx's health server by its number.
  startupProbe:
    httpGet:
      path: /fpm-ping
      port: {{ $w.nginx.healthPort }}
    {{- toYaml $w.php.probes.startup | nindent 4 }}
  # php-fpm's ping through its health pool: a pod whose every worker is busy is slow, not
  # restarted.
  livenessProbe:
    httpGet:
      path: /fpm-ping
      port: {{ $w.nginx.healthPort }}
    {{- toYaml $w.php.probes.liveness | nindent 4 }}
  lifecycle:
    # php-fpm outlives nginx's drain so the requests nginx still forwards are answered,
    # then stops gracefully: SIGQUIT through tini (PID 1) lets running requests finish,
    # where the kubelet's SIGTERM would cut them off with a 502.
    preStop:
      exec:
        command:
          - /bin/sh
          - -c
          - sleep {{ add $drain 10 }}; kill -QUIT 1; while kill -0 1 2>/dev/null; do sleep 1; done
  securityContext:
    {{- include "magento-common.security.containerSecurityContext" $w.php.containerSecurityContext | nindent 4 }}
  resources:
    {{- include "magento-common.resources" (dict "resources" $w.php.resources "storage" (list "64Mi" "2Gi")) | nindent 4 }}
  volumeMounts:
    - name: php-config
      mountPath: /etc/magento/php-fpm/php-fpm.conf
      subPath: php-fpm.conf
      readOnly: true
    - name: php-fpm-socket
      mountPath: {{ include "magento-common.fpm.socketDir" $ }}
    {{- include (printf "%s.volumeMounts.app" $chart) (dict "context" $ "envPhp" true "web" true) | nindent 4 }}
    {{- with $w.php.extraVolumeMounts }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end -}}

{{/*
magento-common.web.nginxExporter: the container that turns nginx's stub_status (health server,
loopback only) into Prometheus metrics (metrics.nginx).
Usage: {{- include "magento-common.web.nginxExporter" $ | nindent 8 }}
*/}}
{{- define "magento-common.web.nginxExporter" -}}
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

{{/*
magento-common.web.copyPubInit: the init container of "copy" code sharing: runs the chart's
files/copy-pub.sh to copy `from` (a directory of the app image, without the shared media) into the
volume nginx serves.
Usage: {{- include "magento-common.web.copyPubInit" (dict "context" $ "from" "/var/www/html/pub") | nindent 8 }}
*/}}
{{- define "magento-common.web.copyPubInit" -}}
{{- $ctx := .context -}}
{{- $w := $ctx.Values.web -}}
# Copies the store's public files (without media, which is the shared volume) from the app image
# into the volume nginx serves, so both containers see the same build.
- name: copy-pub
  image: {{ include "magento-common.web.appImage" $ctx }}
  imagePullPolicy: {{ $ctx.Values.image.pullPolicy }}
  command:
    - /bin/sh
    - -c
    - {{ include "magento-common.files.script" (dict "context" $ctx "name" "copy-pub.sh") | quote }}
    - copy-pub
    - {{ .from }}
    - /code
  securityContext:
    {{- include "magento-common.security.containerSecurityContext" $w.php.containerSecurityContext | nindent 4 }}
  resources:
    {{- include "magento-common.resources" (dict "resources" $ctx.Values.podDefaults.initResources) | nindent 4 }}
  volumeMounts:
    - name: code
      mountPath: /code
{{- end -}}
