{{/*
PHP and php-fpm: sizes, the php-fpm pool sizing from the container's memory, the listeners, the php.ini every PHP process reads.
*/}}

{{/*
magento-common.php.mebibytes: a PHP ini size ("756M", "2G", "512K", "1073741824", "-1") in whole MiB;
-1 (no limit) gives -1. Fails naming `path` for a size PHP would not read.
Usage: {{ include "magento-common.php.mebibytes" (dict "value" "756M" "path" "web.php.fpm.ini.memory_limit") }}
*/}}
{{- define "magento-common.php.mebibytes" -}}
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
magento-common.fpm.sizing: the php-fpm pool's memory budget as a dict: maxChildren (web.php.fpm.maxChildren,
else what fits), workerMi (the web workers' memory_limit: a worker may grow to it), sharedMi
(OPcache's shared memory, counted once for the whole pool, plus APCu's when configured),
reservedMi (the master and the rest), healthMi (the health pool's one worker) and limitMi (the
container's memory limit): maxChildren = (limit - OPcache - reserved - health) / memory_limit. Fails naming the keys when the limit is
missing, memory_limit is unlimited, or the workers do not fit.
Usage: {{ $s := include "magento-common.fpm.sizing" $ | fromJson }}
*/}}
{{- define "magento-common.fpm.sizing" -}}
{{- $fpm := .Values.web.php.fpm -}}
{{- $ini := .Values.magento.php.ini -}}
{{- $limit := ((.Values.web.php.resources).limits).memory -}}
{{- if not $limit -}}
{{- fail "web.php.resources.limits.memory is required: pm.max_children is sized from the php-fpm container's memory limit" -}}
{{- end -}}
{{- $limitMi := include "magento-common.quantity.mebibytes" (dict "value" $limit "path" "web.php.resources.limits.memory") | int -}}
{{- $workerMi := include "magento-common.php.mebibytes" (dict "value" (get $fpm.ini "memory_limit" | default (get $ini "memory_limit") | default "128M") "path" "web.php.fpm.ini.memory_limit") | int -}}
{{- include "magento-common.validate.that" (dict "condition" (gt $workerMi 0) "path" "web.php.fpm.ini.memory_limit" "message" "must be a limit (not -1): pm.max_children is sized from what one worker may use") -}}
{{- $sharedMi := 0 -}}
{{- if has (toString (get $ini "opcache.enable" | default "1") | lower) (list "1" "on" "true" "yes") -}}
{{- $sharedMi = get $ini "opcache.memory_consumption" | default "128" | int -}}
{{- end -}}
{{- with get $ini "apc.shm_size" -}}
{{- $sharedMi = add $sharedMi (include "magento-common.php.mebibytes" (dict "value" . "path" "magento.php.ini.apc.shm_size") | int) -}}
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
magento-common.fpm.maxChildren: pm.max_children (see magento-common.fpm.sizing).
Usage: {{ include "magento-common.fpm.maxChildren" $ }}
*/}}
{{- define "magento-common.fpm.maxChildren" -}}
{{- (include "magento-common.fpm.sizing" . | fromJson).maxChildren | int -}}
{{- end -}}

{{/*
magento-common.fpm.socketDir: the directory of php-fpm's sockets: an in-memory emptyDir that only
the pod's nginx and php-fpm containers mount (volume "php-fpm-socket").
Usage: {{ include "magento-common.fpm.socketDir" $ }}
*/}}
{{- define "magento-common.fpm.socketDir" -}}
/run/php-fpm
{{- end -}}

{{/*
magento-common.fpm.listen: the unix socket php-fpm's store pool listens on and nginx sends PHP
requests to. A socket, not TCP on loopback: no TCP handshake, port or connection state per request
(scripts/bench-web.sh measures the difference), and nothing else in the pod can reach it.
Usage: {{ include "magento-common.fpm.listen" $ }}
*/}}
{{- define "magento-common.fpm.listen" -}}
{{ include "magento-common.fpm.socketDir" . }}/www.sock
{{- end -}}

{{/*
magento-common.fpm.healthListen: the unix socket of php-fpm's health pool (one worker for the
kubelet's probes, apart from the store's requests).
Usage: {{ include "magento-common.fpm.healthListen" $ }}
*/}}
{{- define "magento-common.fpm.healthListen" -}}
{{ include "magento-common.fpm.socketDir" . }}/health.sock
{{- end -}}

{{/*
magento-common.php.iniDir: where the chart's php.ini (the same for every PHP process) is mounted;
PHP_INI_SCAN_DIR adds it after the image's own ini directory.
Usage: {{ include "magento-common.php.iniDir" $ }}
*/}}
{{- define "magento-common.php.iniDir" -}}
/etc/magento/php/conf.d
{{- end -}}

{{/*
magento-common.php.ini: the php.ini of every PHP process of the store (php-fpm workers, cron, consumers,
the upgrade and install): magento.php.ini as "key = value" lines.
Usage: {{ include "magento-common.php.ini" $ }}
*/}}
{{- define "magento-common.php.ini" -}}
; Rendered by the {{ .Chart.Name }} chart (magento.php.ini): every PHP process of the store reads it.
{{- range $key, $value := .Values.magento.php.ini }}
{{ $key }} = {{ ternary (quote $value) $value (eq (toString $value) "") }}
{{- end }}
{{- end -}}

{{/*
magento-common.php.fpmConfigMap: php-fpm's configuration: one pool on a unix socket sized from the
container's memory limit (magento-common.fpm.sizing), and a health pool of one worker for the
kubelet's probes.
Usage: {{ include "magento-common.php.fpmConfigMap" $ }}
*/}}
{{- define "magento-common.php.fpmConfigMap" -}}
{{- $fpm := .Values.web.php.fpm -}}
{{- $s := include "magento-common.fpm.sizing" $ | fromJson -}}
{{- $max := $s.maxChildren | int -}}
{{- $spare := max 1 (div (mul $max $fpm.spareServersPercent) 100) | int -}}
apiVersion: v1
kind: ConfigMap
metadata:
  {{- include "magento-common.labels.metadata" (dict "context" $ "component" "web" "name" (include "magento-common.names.component" (dict "context" $ "component" "php"))) | nindent 2 }}
data:
  php-fpm.conf: |
    ; Rendered by the {{ .Chart.Name }} chart: php-fpm in the foreground, logs to stderr, one pool on
    ; a unix socket for the nginx container of the same pod. The sockets live in an emptyDir only
    ; nginx and php-fpm mount; nginx runs as another user, hence mode 0666.
    [global]
    error_log = /proc/self/fd/2
    log_limit = 8192
    daemonize = no
    ; On the graceful stop (SIGQUIT) running requests get until the pod's grace period ends.
    process_control_timeout = {{ .Values.web.terminationGracePeriodSeconds }}s

    [www]
    listen = {{ include "magento-common.fpm.listen" $ }}
    listen.mode = 0666
    listen.backlog = 511
    pm = {{ $fpm.pm }}
    ; pm.max_children = (limit {{ $s.limitMi }}Mi - OPcache {{ $s.sharedMi }}Mi, counted once - reserved {{ $s.reservedMi }}Mi
    ; - the health worker {{ $s.healthMi }}Mi) / memory_limit {{ $s.workerMi }}Mi per worker{{ if $fpm.maxChildren }} (set: {{ $fpm.maxChildren }}){{ end }}
    pm.max_children = {{ $max }}
    {{- if eq $fpm.pm "dynamic" }}
    pm.start_servers = {{ $spare }}
    pm.min_spare_servers = {{ $spare }}
    pm.max_spare_servers = {{ min $max (mul $spare 2) }}
    {{- end }}
    {{- if eq $fpm.pm "ondemand" }}
    pm.process_idle_timeout = 10s
    {{- end }}
    pm.max_requests = {{ $fpm.maxRequests }}
    pm.status_path = /fpm-status
    ping.path = /fpm-ping
    ping.response = pong
    request_terminate_timeout = {{ $fpm.requestTerminateTimeout }}
    ; Keep the environment: the store's configuration reaches PHP through it.
    clear_env = no
    {{- if $fpm.catchWorkersOutput }}
    catch_workers_output = yes
    decorate_workers_output = no
    {{- else }}
    ; The workers' own stdout/stderr are discarded (web.php.fpm.catchWorkersOutput); PHP's messages
    ; reach nginx's error log as FastCGI stderr.
    catch_workers_output = no
    {{- end }}
    ; The web workers' own limits (web.php.fpm.ini), over the php.ini every PHP process reads.
    {{- range $key, $value := $fpm.ini }}
    php_value[{{ $key }}] = {{ $value }}
    {{- end }}
    {{- with $fpm.extraConfig }}
    {{- . | nindent 4 }}
    {{- end }}

    ; A pool of its own for the kubelet's probes (php-fpm's ping, Magento's health check): they
    ; never wait behind the store's requests, so a pod whose every worker is busy stays live and
    ; ready (slow, not dead) instead of being restarted or taken out with the rest.
    [health]
    listen = {{ include "magento-common.fpm.healthListen" $ }}
    listen.mode = 0666
    listen.backlog = 64
    pm = static
    pm.max_children = 1
    pm.max_requests = 1000
    ping.path = /fpm-ping
    ping.response = pong
    request_terminate_timeout = 30
    clear_env = no
    catch_workers_output = {{ ternary "yes" "no" (default false $fpm.catchWorkersOutput) }}
    {{- if $fpm.catchWorkersOutput }}
    decorate_workers_output = no
    {{- end }}
    php_value[memory_limit] = {{ $s.healthMi }}M
{{- end -}}
