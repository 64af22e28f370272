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
{{- $name := include "magento-common.names.component" (dict "context" $ "component" "web") -}}
{{- $checksums := merge (include (printf "%s.checksums" $chart) $ | fromJson) (dict
  "checksum/nginx" (include "magento-common.pod.checksum" (dict "context" $ "template" "/web/nginx-configmap.yaml"))
  "checksum/php" (include "magento-common.pod.checksum" (dict "context" $ "template" "/web/php-configmap.yaml"))) -}}
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
        {{- include "magento-common.web.nginxContainer" $ | nindent 8 }}
        {{- include "magento-common.web.phpContainer" $ | nindent 8 }}
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
