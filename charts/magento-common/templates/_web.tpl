{{/*
The web pod of a store: nginx and php-fpm as two containers of one pod, each with tini as PID 1,
and the objects around it. A store chart (magento1, magento2) calls these with its root context;
they read the values every store chart shares (web, podDefaults, image, metrics, autoscaling) and
call back into the chart, by its name, for what only the chart knows:
  <chart>.env.vars          (dict "context" $ "hook" false "extraEnv" list): env/envFrom of a PHP container
  <chart>.volumeMounts.app  (dict "context" $ "envPhp" true "web" true): the mounts of a PHP container
  <chart>.volumes.data      (dict "context" $ "hook" false "web" true): the pod's data volumes
  <chart>.checksums         $: the pod's checksum/* annotations as JSON
  <chart>.web.initContainers $: the web pod's init containers (may be empty)
  <chart>.web.nginxCodeMounts $: the mounts that give nginx the store's static files
*/}}

{{/*
magento-common.web.appImage: the app image reference (image).
Usage: {{ include "magento-common.web.appImage" $ }}
*/}}
{{- define "magento-common.web.appImage" -}}
{{- include "magento-common.images.image" (dict "context" . "image" .Values.image "path" "image") -}}
{{- end -}}

{{/*
magento-common.web.nginxImage: the image of the nginx container: the app image with
web.codeSharing "app-image", else web.nginx.image.
Usage: {{ include "magento-common.web.nginxImage" $ }}
*/}}
{{- define "magento-common.web.nginxImage" -}}
{{- if eq .Values.web.codeSharing "app-image" -}}
{{- include "magento-common.web.appImage" . -}}
{{- else -}}
{{- include "magento-common.images.image" (dict "context" . "image" .Values.web.nginx.image "path" "web.nginx.image") -}}
{{- end -}}
{{- end -}}

{{/*
magento-common.web.gce: "true" when the Ingress is a Google Cloud load balancer (class gce or
gce-internal), else empty.
Usage: {{ if include "magento-common.web.gce" $ }}…{{ end }}
*/}}
{{- define "magento-common.web.gce" -}}
{{- if and .Values.ingress.enabled (has .Values.ingress.className (list "gce" "gce-internal")) -}}true{{- end -}}
{{- end -}}

{{/*
magento-common.web.drainSeconds: how long a stopping web (or Varnish) pod keeps serving while its
endpoint leaves the Services and load balancers: web.drainSeconds, and at least
gke.negDrainSeconds behind a GCE load balancer, whose network endpoint groups take longer to drop
an endpoint.
Usage: {{ include "magento-common.web.drainSeconds" $ | int }}
*/}}
{{- define "magento-common.web.drainSeconds" -}}
{{- if include "magento-common.web.gce" . -}}
{{- max (int .Values.web.drainSeconds) (int .Values.gke.negDrainSeconds) -}}
{{- else -}}
{{- int .Values.web.drainSeconds -}}
{{- end -}}
{{- end -}}

{{/*
magento-common.web.deployment: the web Deployment: nginx (health server on web.nginx.healthPort,
readiness on the store's health check through php-fpm's health pool) and php-fpm, tini as PID 1 in
both, a graceful drain on stop, the nginx exporter with metrics.enabled.
Usage: {{ include "magento-common.web.deployment" $ }}
*/}}
{{- define "magento-common.web.deployment" -}}
{{- $chart := .Chart.Name -}}
{{- $w := .Values.web -}}
{{- $pd := .Values.podDefaults -}}
{{- $root := $pd.documentRoot -}}
{{- $name := include "magento-common.names.component" (dict "context" $ "component" "web") -}}
{{- $checksums := merge (include (printf "%s.checksums" $chart) $ | fromJson) (dict
  "checksum/nginx" (include "magento-common.pod.checksum" (dict "context" $ "template" "/web/nginx-configmap.yaml"))
  "checksum/php" (include "magento-common.pod.checksum" (dict "context" $ "template" "/web/php-configmap.yaml"))) -}}
{{- $drain := include "magento-common.web.drainSeconds" $ | int -}}
{{- $sa := include "magento-common.names.serviceAccount" $ -}}
{{- $init := include (printf "%s.web.initContainers" $chart) $ | trim -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  {{- include "magento-common.labels.metadata" (dict "context" $ "component" "web" "name" $name) | nindent 2 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ $w.replicaCount }}
  {{- end }}
  revisionHistoryLimit: {{ $w.revisionHistoryLimit }}
  minReadySeconds: {{ $w.minReadySeconds }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: {{ $w.updateStrategy.maxSurge }}
      maxUnavailable: {{ $w.updateStrategy.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "magento-common.labels.selector" (dict "context" $ "component" "web") | nindent 6 }}
  template:
    metadata:
      {{- include "magento-common.pod.metadata" (dict "context" $ "component" "web" "values" $w "annotations" $checksums) | nindent 6 }}
    spec:
      {{- include "magento-common.pod.spec" (dict "context" $ "component" "web" "values" $w "spread" true "serviceAccountName" $sa) | nindent 6 }}
      terminationGracePeriodSeconds: {{ $w.terminationGracePeriodSeconds }}
      {{- with $init }}
      initContainers:
        {{- . | nindent 8 }}
      {{- end }}
      containers:
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
            {{- toYaml . | nindent 12 }}
          {{- end }}
          startupProbe:
            httpGet:
              path: /healthz
              port: health
            {{- toYaml $w.nginx.probes.startup | nindent 12 }}
          livenessProbe:
            httpGet:
              path: /healthz
              port: health
            {{- toYaml $w.nginx.probes.liveness | nindent 12 }}
          # The store's health check (database, caches) through php-fpm's health pool.
          readinessProbe:
            httpGet:
              path: /health_check.php
              port: health
            {{- toYaml $w.nginx.probes.readiness | nindent 12 }}
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
            {{- include "magento-common.security.containerSecurityContext" $w.nginx.containerSecurityContext | nindent 12 }}
          resources:
            {{- include "magento-common.resources" (dict "resources" $w.nginx.resources) | nindent 12 }}
          volumeMounts:
            - name: nginx-config
              mountPath: /etc/magento/nginx
              readOnly: true
            - name: nginx-tmp
              mountPath: /tmp
            - name: php-fpm-socket
              mountPath: {{ include "magento-common.fpm.socketDir" $ }}
            {{- include (printf "%s.web.nginxCodeMounts" $chart) $ | trim | nindent 12 }}
            {{- with $w.nginx.extraVolumeMounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
        - name: php-fpm
          image: {{ include "magento-common.web.appImage" $ }}
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          workingDir: {{ $root }}
          command:
            - {{ $pd.tiniPath }}
            - --
            {{- toYaml $w.php.command | nindent 12 }}
            - --fpm-config
            - /etc/magento/php-fpm/php-fpm.conf
          {{- include (printf "%s.env.vars" $chart) (dict "context" $ "hook" false "extraEnv" $w.php.extraEnv) | nindent 10 }}
          # The kubelet resolves a probe's named port among the probed container's own ports only:
          # php-fpm's probes reach nginx's health server by its number.
          startupProbe:
            httpGet:
              path: /fpm-ping
              port: {{ $w.nginx.healthPort }}
            {{- toYaml $w.php.probes.startup | nindent 12 }}
          # php-fpm's ping through its health pool: a pod whose every worker is busy is slow, not
          # restarted.
          livenessProbe:
            httpGet:
              path: /fpm-ping
              port: {{ $w.nginx.healthPort }}
            {{- toYaml $w.php.probes.liveness | nindent 12 }}
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
            {{- include "magento-common.security.containerSecurityContext" $w.php.containerSecurityContext | nindent 12 }}
          resources:
            {{- include "magento-common.resources" (dict "resources" $w.php.resources "storage" (list "64Mi" "2Gi")) | nindent 12 }}
          volumeMounts:
            - name: php-config
              mountPath: /etc/magento/php-fpm/php-fpm.conf
              subPath: php-fpm.conf
              readOnly: true
            - name: php-fpm-socket
              mountPath: {{ include "magento-common.fpm.socketDir" $ }}
            {{- include (printf "%s.volumeMounts.app" $chart) (dict "context" $ "envPhp" true "web" true) | nindent 12 }}
            {{- with $w.php.extraVolumeMounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
        {{- if .Values.metrics.enabled }}
        {{- include "magento-common.web.nginxExporter" $ | nindent 8 }}
        {{- end }}
      volumes:
        - name: nginx-config
          configMap:
            name: {{ include "magento-common.names.component" (dict "context" $ "component" "nginx") }}
        - name: php-config
          configMap:
            name: {{ include "magento-common.names.component" (dict "context" $ "component" "php") }}
        - name: nginx-tmp
          emptyDir:
            sizeLimit: {{ $pd.tmpSizeLimit }}
        # php-fpm's sockets (magento-common.fpm.listen), shared by nginx and php-fpm only.
        - name: php-fpm-socket
          emptyDir:
            medium: Memory
            sizeLimit: 1Mi
        {{- if eq $w.codeSharing "copy" }}
        - name: code
          emptyDir: {}
        {{- else if eq $w.codeSharing "image-volume" }}
        - name: code
          image:
            reference: {{ include "magento-common.web.appImage" $ }}
            pullPolicy: {{ .Values.image.pullPolicy }}
        {{- end }}
        {{- include (printf "%s.volumes.data" $chart) (dict "context" $ "hook" false "web" true) | nindent 8 }}
        {{- with $w.extraVolumes }}
        {{- toYaml . | nindent 8 }}
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

{{/*
magento-common.web.service: the Service in front of the web pods (nginx's http port only), with
the given annotations.
Usage: {{ include "magento-common.web.service" (dict "context" $ "annotations" $annotations) }}
*/}}
{{- define "magento-common.web.service" -}}
{{- $ctx := .context -}}
apiVersion: v1
kind: Service
metadata:
  {{- include "magento-common.labels.metadata" (dict "context" $ctx "component" "web" "name" (include "magento-common.names.component" (dict "context" $ctx "component" "web")) "annotations" .annotations) | nindent 2 }}
spec:
  type: {{ $ctx.Values.service.type }}
  selector:
    {{- include "magento-common.labels.selector" (dict "context" $ctx "component" "web") | nindent 4 }}
  ports:
    - name: http
      port: {{ $ctx.Values.service.port }}
      targetPort: http
      protocol: TCP
{{- end -}}

{{/*
magento-common.web.metrics: with metrics.enabled, the metrics Service of the web pods (nginx's and
php-fpm's exporters) and, with metrics.serviceMonitor.enabled, its ServiceMonitor.
Usage: {{ include "magento-common.web.metrics" $ }}
*/}}
{{- define "magento-common.web.metrics" -}}
{{- if .Values.metrics.enabled }}
{{- $m := .Values.metrics }}
{{- $name := include "magento-common.names.component" (dict "context" $ "component" "metrics") }}
apiVersion: v1
kind: Service
metadata:
  {{- include "magento-common.labels.metadata" (dict "context" $ "component" "metrics" "name" $name) | nindent 2 }}
spec:
  type: ClusterIP
  selector:
    {{- include "magento-common.labels.selector" (dict "context" $ "component" "web") | nindent 4 }}
  ports:
    - name: metrics-nginx
      port: {{ $m.nginx.port }}
      targetPort: metrics-nginx
      protocol: TCP
    - name: metrics-php
      port: {{ $m.phpFpm.port }}
      targetPort: metrics-php
      protocol: TCP
{{- if $m.serviceMonitor.enabled }}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  {{- $meta := include "magento-common.labels.metadata" (dict "context" $ "component" "metrics" "name" $name) | fromYaml }}
  {{- $_ := set $meta "labels" (merge (dict) $m.serviceMonitor.labels $meta.labels) }}
  {{- toYaml $meta | nindent 2 }}
spec:
  selector:
    matchLabels:
      {{- include "magento-common.labels.selector" (dict "context" $ "component" "metrics") | nindent 6 }}
  endpoints:
    {{- range list "metrics-nginx" "metrics-php" }}
    - port: {{ . }}
      path: /metrics
      interval: {{ $m.serviceMonitor.interval }}
      scrapeTimeout: {{ $m.serviceMonitor.scrapeTimeout }}
    {{- end }}
{{- end }}
{{- end }}
{{- end -}}
