{{/*
The magento2 chart's helpers: thin wrappers over the magento-common library, and what is specific
to Magento 2 (its environment, the php-fpm sizing, the pieces every Magento pod shares).
*/}}

{{/*
magento2.fullname: prefix of every object name.
Usage: {{ include "magento2.fullname" $ }}
*/}}
{{- define "magento2.fullname" -}}
{{- include "magento-common.names.fullname" . -}}
{{- end -}}

{{/*
magento2.name: "<fullname>-<component>" for an object of a component.
Usage: {{ include "magento2.name" (dict "context" $ "component" "web") }}
*/}}
{{- define "magento2.name" -}}
{{- include "magento-common.names.component" . -}}
{{- end -}}

{{/*
magento2.metadata: metadata (name, namespace, labels, annotations) of an object.
Usage: {{- include "magento2.metadata" (dict "context" $ "component" "web" "name" $name) | nindent 2 }}
*/}}
{{- define "magento2.metadata" -}}
{{- include "magento-common.labels.metadata" . -}}
{{- end -}}

{{/*
magento2.image: the app image reference.
Usage: {{ include "magento2.image" $ }}
*/}}
{{- define "magento2.image" -}}
{{- include "magento-common.images.image" (dict "context" . "image" .Values.image "path" "image") -}}
{{- end -}}

{{/*
magento2.nginxImage: the image of the nginx container: the app image with web.codeSharing
"app-image", else web.nginx.image.
Usage: {{ include "magento2.nginxImage" $ }}
*/}}
{{- define "magento2.nginxImage" -}}
{{- if eq .Values.web.codeSharing "app-image" -}}
{{- include "magento2.image" . -}}
{{- else -}}
{{- include "magento-common.images.image" (dict "context" . "image" .Values.web.nginx.image "path" "web.nginx.image") -}}
{{- end -}}
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
magento2.cryptKey.secretName: the Secret that holds the crypt key and its key in it, as
"name:key": magento.cryptKey.existingSecret, else the chart's "<fullname>-crypt-key".
Usage: {{ include "magento2.cryptKey.ref" $ }}
*/}}
{{- define "magento2.cryptKey.ref" -}}
{{- $c := .Values.magento.cryptKey -}}
{{- if $c.existingSecret -}}
{{- printf "%s:%s" $c.existingSecret $c.existingSecretKey -}}
{{- else -}}
{{- printf "%s:crypt-key" (include "magento2.name" (dict "context" . "component" "crypt-key")) -}}
{{- end -}}
{{- end -}}

{{/*
magento2.cryptKey.value: the crypt key the chart stores when no existingSecret is given:
magento.cryptKey.value; else the key already in the cluster's "<fullname>-crypt-key" Secret; else
a new random key. The result is remembered for the rest of the render, so the Secret and the
upgrade hook's copy always agree. A value that differs from the stored key is refused: changing the
key makes encrypted data unreadable.
Usage: {{ include "magento2.cryptKey.value" $ }}
*/}}
{{- define "magento2.cryptKey.value" -}}
{{- $c := .Values.magento.cryptKey -}}
{{- if not (hasKey $c "_resolved") -}}
{{- $name := include "magento2.name" (dict "context" . "component" "crypt-key") -}}
{{- $stored := "" -}}
{{- with (lookup "v1" "Secret" .Release.Namespace $name) -}}
{{- $stored = index (default (dict) .data) "crypt-key" | default "" | b64dec -}}
{{- end -}}
{{- if and $c.value $stored (ne $c.value $stored) -}}
{{- fail (printf "magento.cryptKey.value differs from the key already stored in Secret %s: changing the crypt key makes encrypted data unreadable. Rotate it with bin/magento encryption:key:change instead, or leave magento.cryptKey.value empty to keep the stored key" $name) -}}
{{- end -}}
{{- $_ := set $c "_generated" (not (or $c.value $stored)) -}}
{{- $_ := set $c "_resolved" (coalesce $c.value $stored (randAlphaNum 32)) -}}
{{- end -}}
{{- get $c "_resolved" -}}
{{- end -}}

{{/*
magento2.php.mebibytes: a PHP ini size ("756M", "2G", "512K", "1073741824", "-1") in whole MiB;
-1 (no limit) gives -1. Fails naming `path` for a size PHP would not read.
Usage: {{ include "magento2.php.mebibytes" (dict "value" "756M" "path" "web.php.fpm.ini.memory_limit") }}
*/}}
{{- define "magento2.php.mebibytes" -}}
{{- $v := toString .value | trim | upper -}}
{{- if eq $v "-1" -}}
-1
{{- else if not (regexMatch "^[0-9]+[KMG]?$" $v) -}}
{{- fail (printf "%s %q is not a PHP size; use e.g. 756M or 2G" .path (toString .value)) -}}
{{- else -}}
{{- $num := regexReplaceAll "[KMG]$" $v "" | int64 -}}
{{- $factor := get (dict "K" 1024 "M" 1048576 "G" 1073741824) (regexReplaceAll "^[0-9]+" $v "") | default 1 -}}
{{- div (mul $num $factor) 1048576 -}}
{{- end -}}
{{- end -}}

{{/*
magento2.fpm.sizing: the php-fpm pool's memory budget as a dict: maxChildren (web.php.fpm.maxChildren,
else what fits), workerMi (the web workers' memory_limit: a worker may grow to it), sharedMi
(OPcache's shared memory, counted once for the whole pool, plus APCu's when configured),
reservedMi (the master and the rest), healthMi (the health pool's one worker) and limitMi (the
container's memory limit): maxChildren = (limit - OPcache - reserved - health) / memory_limit. Fails naming the keys when the limit is
missing, memory_limit is unlimited, or the workers do not fit.
Usage: {{ $s := include "magento2.fpm.sizing" $ | fromJson }}
*/}}
{{- define "magento2.fpm.sizing" -}}
{{- $fpm := .Values.web.php.fpm -}}
{{- $ini := .Values.magento.php.ini -}}
{{- $limit := ((.Values.web.php.resources).limits).memory -}}
{{- if not $limit -}}
{{- fail "web.php.resources.limits.memory is required: pm.max_children is sized from the php-fpm container's memory limit" -}}
{{- end -}}
{{- $limitMi := include "magento-common.quantity.mebibytes" (dict "value" $limit "path" "web.php.resources.limits.memory") | int -}}
{{- $workerMi := include "magento2.php.mebibytes" (dict "value" (get $fpm.ini "memory_limit" | default (get $ini "memory_limit") | default "128M") "path" "web.php.fpm.ini.memory_limit") | int -}}
{{- include "magento-common.validate.that" (dict "condition" (gt $workerMi 0) "path" "web.php.fpm.ini.memory_limit" "message" "must be a limit (not -1): pm.max_children is sized from what one worker may use") -}}
{{- $sharedMi := 0 -}}
{{- if has (toString (get $ini "opcache.enable" | default "1") | lower) (list "1" "on" "true" "yes") -}}
{{- $sharedMi = get $ini "opcache.memory_consumption" | default "128" | int -}}
{{- end -}}
{{- with get $ini "apc.shm_size" -}}
{{- $sharedMi = add $sharedMi (include "magento2.php.mebibytes" (dict "value" . "path" "magento.php.ini.apc.shm_size") | int) -}}
{{- end -}}
{{- $reservedMi := include "magento-common.quantity.mebibytes" (dict "value" $fpm.reservedMemory "path" "web.php.fpm.reservedMemory") | int -}}
{{- $healthMi := 128 -}}
{{- $fits := div (sub (sub (sub $limitMi $sharedMi) $reservedMi) $healthMi) $workerMi | int -}}
{{- $n := $fpm.maxChildren | int -}}
{{- $budget := printf "web.php.resources.limits.memory %s - OPcache %dMi (magento.php.ini) - web.php.fpm.reservedMemory %s - the health worker %dMi" $limit $sharedMi $fpm.reservedMemory $healthMi -}}
{{- if eq $n 0 -}}
{{- include "magento-common.validate.that" (dict "condition" (ge $fits 1) "path" "web.php.resources.limits.memory" "message" (printf "leaves no room for one PHP worker of memory_limit %dMi (%s)" $workerMi $budget)) -}}
{{- $n = $fits -}}
{{- else -}}
{{- include "magento-common.validate.that" (dict "condition" (le $n $fits) "path" "web.php.fpm.maxChildren" "message" (printf "%d workers of memory_limit %dMi (web.php.fpm.ini) do not fit in %s: at most %d" $n $workerMi $budget $fits)) -}}
{{- end -}}
{{- dict "maxChildren" $n "workerMi" $workerMi "sharedMi" $sharedMi "reservedMi" $reservedMi "healthMi" $healthMi "limitMi" $limitMi | toJson -}}
{{- end -}}

{{/*
magento2.fpm.maxChildren: pm.max_children (see magento2.fpm.sizing).
Usage: {{ include "magento2.fpm.maxChildren" $ }}
*/}}
{{- define "magento2.fpm.maxChildren" -}}
{{- (include "magento2.fpm.sizing" . | fromJson).maxChildren | int -}}
{{- end -}}

{{/*
magento2.fpm.listen: the address php-fpm listens on and nginx sends PHP requests to: loopback,
never reachable from outside the pod.
Usage: {{ include "magento2.fpm.listen" $ }}
*/}}
{{- define "magento2.fpm.listen" -}}
127.0.0.1:9000
{{- end -}}

{{/*
magento2.fpm.healthListen: the address of php-fpm's health pool (one worker for the kubelet's
probes, apart from the store's requests).
Usage: {{ include "magento2.fpm.healthListen" $ }}
*/}}
{{- define "magento2.fpm.healthListen" -}}
127.0.0.1:9001
{{- end -}}

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

{{/*
magento2.gce: "true" when the Ingress is a Google Cloud load balancer (class gce or gce-internal),
else empty.
Usage: {{ if include "magento2.gce" $ }}…{{ end }}
*/}}
{{- define "magento2.gce" -}}
{{- if and .Values.ingress.enabled (has .Values.ingress.className (list "gce" "gce-internal")) -}}true{{- end -}}
{{- end -}}

{{/*
magento2.drainSeconds: how long a stopping web or Varnish pod keeps serving while its endpoint
leaves the Services and load balancers: web.drainSeconds, and at least gke.negDrainSeconds behind
a GCE load balancer, whose network endpoint groups take longer to drop an endpoint.
Usage: {{ include "magento2.drainSeconds" $ | int }}
*/}}
{{- define "magento2.drainSeconds" -}}
{{- if include "magento2.gce" . -}}
{{- max (int .Values.web.drainSeconds) (int .Values.gke.negDrainSeconds) -}}
{{- else -}}
{{- int .Values.web.drainSeconds -}}
{{- end -}}
{{- end -}}

{{/*
magento2.php.iniDir: where the chart's php.ini (the same for every PHP process) is mounted;
PHP_INI_SCAN_DIR adds it after the image's own ini directory.
Usage: {{ include "magento2.php.iniDir" $ }}
*/}}
{{- define "magento2.php.iniDir" -}}
/etc/magento/php/conf.d
{{- end -}}

{{/*
magento2.php.ini: the php.ini of every PHP process of the store (php-fpm workers, cron, consumers,
the upgrade and install): magento.php.ini as "key = value" lines.
Usage: {{ include "magento2.php.ini" $ }}
*/}}
{{- define "magento2.php.ini" -}}
; Rendered by the magento2 chart (magento.php.ini): every PHP process of the store reads it.
{{- range $key, $value := .Values.magento.php.ini }}
{{ $key }} = {{ ternary (quote $value) $value (eq (toString $value) "") }}
{{- end }}
{{- end -}}


{{/*
magento2.volumes.data: the volumes of every Magento pod: the chart's env.php and php.ini, the
store's data, media and var (their claims, or emptyDirs when persistence is off), and /tmp. With
"hook" true (the upgrade hook Job, which runs before the release's own objects exist) a claim of the chart is mounted only when it already
exists (helm upgrade): on a first install there is no claim yet and nothing to share, so the hook
gets an emptyDir instead of a pod that can never schedule. An existingClaim is always mounted.
Usage: {{- include "magento2.volumes.data" (dict "context" $ "hook" false) | nindent 8 }}
*/}}
{{- define "magento2.volumes.data" -}}
{{- $ctx := .context -}}
{{- include "magento2.volumes.appEtc" . }}
{{- range $key := list "media" "var" }}
{{- $p := index $ctx.Values.persistence $key }}
{{- $claim := default (include "magento2.name" (dict "context" $ctx "component" $key)) $p.existingClaim }}
{{- $mount := $p.enabled }}
{{- if and $mount $.hook (not $p.existingClaim) }}
{{- $mount = not (empty (lookup "v1" "PersistentVolumeClaim" $ctx.Release.Namespace $claim)) }}
{{- end }}
- name: {{ $key }}
  {{- if $mount }}
  persistentVolumeClaim:
    claimName: {{ $claim }}
  {{- else }}
  emptyDir:
    sizeLimit: {{ $ctx.Values.podDefaults.tmpSizeLimit }}
  {{- end }}
{{- end }}
- name: tmp
  emptyDir:
    sizeLimit: {{ $ctx.Values.podDefaults.tmpSizeLimit }}
{{- end -}}

{{/*
magento2.volumeMounts.app: the mounts of a container running Magento from the app image: the
chart's app/etc/env.php (read-only, over the image's; not with "envPhp" false: the upgrade Job
writes a copy), the chart's php.ini, media, var and /tmp.
Usage: {{- include "magento2.volumeMounts.app" (dict "context" $ "envPhp" true) | nindent 12 }}
*/}}
{{- define "magento2.volumeMounts.app" -}}
{{- $root := .context.Values.podDefaults.documentRoot -}}
{{- if .envPhp }}
- name: app-etc
  mountPath: {{ $root }}/app/etc/env.php
  subPath: env.php
  readOnly: true
{{- end }}
- name: app-etc
  mountPath: {{ include "magento2.php.iniDir" .context }}/zz-magento.ini
  subPath: php.ini
  readOnly: true
- name: media
  mountPath: {{ $root }}/pub/media
- name: var
  mountPath: {{ $root }}/var
- name: tmp
  mountPath: /tmp
{{- end -}}

{{/*
magento2.volumes.appEtc: the volume with the chart's env.php and php.ini: the release's ConfigMap,
or with "hook" true the upgrade hook's copy (hooks run before the release's objects exist).
Usage: {{- include "magento2.volumes.appEtc" (dict "context" $ "hook" false) | nindent 8 }}
*/}}
{{- define "magento2.volumes.appEtc" -}}
- name: app-etc
  configMap:
    name: {{ include "magento2.name" (dict "context" .context "component" (ternary "upgrade-app-etc" "app-etc" (default false .hook))) }}
{{- end -}}

{{/*
magento2.pod.common: the pod-level fields every Magento pod shares: ServiceAccount without a
token (the release's, or "serviceAccountName"), pull secrets, the security context and the
scheduling of the component block.
Usage: {{- include "magento2.pod.common" (dict "context" $ "component" "cron" "values" .Values.cron "spread" false) | nindent 6 }}
*/}}
{{- define "magento2.pod.common" -}}
{{- $ctx := .context -}}
serviceAccountName: {{ default (include "magento-common.names.serviceAccount" $ctx) .serviceAccountName }}
automountServiceAccountToken: false
enableServiceLinks: false
{{- include "magento-common.images.pullSecrets" $ctx }}
securityContext:
  {{- include "magento-common.security.podSecurityContext" (include "magento-common.pod.layered" . | fromJson).podSecurityContext | nindent 2 }}
{{- include "magento-common.pod.scheduling" . }}
{{- end -}}

{{/*
magento2.container.magento: a container that runs a bin/magento task from the app image (cron,
upgrade) with tini as PID 1: image, working directory, security context, resources, env and the
data mounts (with "envPhp" false no env.php: the upgrade Job brings a writable copy). `command` is
the full command after tini.
Usage: {{- include "magento2.container.magento" (dict "context" $ "name" "cron" "command" $cmd "values" .Values.cron "hook" false "env" $extraEnvVars) | nindent 8 }}
*/}}
{{- define "magento2.container.magento" -}}
{{- $ctx := .context -}}
- name: {{ .name }}
  image: {{ include "magento2.image" $ctx }}
  imagePullPolicy: {{ $ctx.Values.image.pullPolicy }}
  workingDir: {{ $ctx.Values.podDefaults.documentRoot }}
  command:
    - {{ $ctx.Values.podDefaults.tiniPath }}
    - -g
    - --
    {{- toYaml .command | nindent 4 }}
  {{- include "magento2.env.vars" (dict "context" $ctx "hook" .hook "extraEnv" (concat (default list .env) (default list .values.extraEnv))) | nindent 2 }}
  securityContext:
    {{- include "magento-common.security.containerSecurityContext" .values.containerSecurityContext | nindent 4 }}
  resources:
    {{- include "magento-common.resources" (dict "resources" .values.resources "storage" (list "64Mi" "2Gi")) | nindent 4 }}
  volumeMounts:
    {{- include "magento2.volumeMounts.app" (dict "context" $ctx "envPhp" (ternary .envPhp true (hasKey . "envPhp"))) | nindent 4 }}
    {{- with .extraMounts }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    {{- with .values.extraVolumeMounts }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end -}}

{{/*
magento2.checksums: the checksum/* pod annotations of every Magento pod (env ConfigMap and Secret,
env.php and php.ini), as JSON: a change to any of them rolls the pods.
Usage: {{ $checksums := include "magento2.checksums" $ | fromJson }}
*/}}
{{- define "magento2.checksums" -}}
{{- $out := dict -}}
{{- range $name, $template := dict "env" "/config/env-configmap.yaml" "env-secret" "/config/env-secret.yaml" "app-etc" "/config/app-etc-configmap.yaml" -}}
{{- $_ := set $out (printf "checksum/%s" $name) (include "magento-common.pod.checksum" (dict "context" $ "template" $template)) -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{/*
magento2.script: a shell program of the chart's files/ (linted there with shellcheck) as the
argument of `sh -c`: its comment lines and blank lines dropped.
Usage: (list "/bin/sh" "-c" (include "magento2.script" (dict "context" $ "name" "consumers.sh")) "consumers")
*/}}
{{- define "magento2.script" -}}
{{- $text := .context.Files.Get (printf "files/%s" .name) -}}
{{- if not $text -}}{{- fail (printf "files/%s is missing from the chart" .name) -}}{{- end -}}
{{- regexReplaceAll "(?m)^[ \t]*(#.*)?\n" $text "" | trimSuffix "\n" -}}
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
{{- if include "magento2.gce" . -}}
{{- $_ := set $annotations "cloud.google.com/neg" (dict "ingress" true | toJson) -}}
{{- end -}}
{{- toJson $annotations -}}
{{- end -}}

{{/*
magento2.varnish.headless: the headless Service that gives every Varnish pod a stable name.
*/}}
{{- define "magento2.varnish.headless" -}}
{{- include "magento2.name" (dict "context" . "component" "varnish-pods") -}}
{{- end -}}
