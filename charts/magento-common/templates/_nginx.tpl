{{/*
nginx's configuration of a store's web pod: the http block, the health and metrics servers and the
FastCGI parameters every store shares. The store's own server block and its health check are the
chart's: <chart>.nginx.storeServer ($, at the start of a line, keeps its own indentation) and
<chart>.nginx.healthCheck ($: the body of the health server's `location = /health_check.php`).
*/}}

{{/*
magento-common.nginx.trustedProxies: the addresses whose X-Forwarded-For nginx trusts, as a JSON list:
web.nginx.trustedProxies, plus Google's load balancer and health-check ranges when a GCE Ingress
class sends traffic straight to the pods (container-native load balancing).
Usage: {{ include "magento-common.nginx.trustedProxies" $ | fromJsonArray }}
*/}}
{{- define "magento-common.nginx.trustedProxies" -}}
{{- $list := .Values.web.nginx.trustedProxies -}}
{{- if include "magento-common.web.gce" . -}}
{{- $list = concat $list (list "130.211.0.0/22" "35.191.0.0/16") | uniq -}}
{{- end -}}
{{- toJson $list -}}
{{- end -}}

{{/*
magento-common.nginx.configMap: the web pod's nginx ConfigMap: nginx.conf (non-root on a read-only
root file system, the client address from the trusted proxies, HTTPS as the client saw it, the
store's run codes, a loopback php-fpm upstream, the health server, the php-fpm metrics server with
metrics.enabled and the chart's store server), fastcgi_params and mime.types.
Usage: {{ include "magento-common.nginx.configMap" $ }}
*/}}
{{- define "magento-common.nginx.configMap" -}}
{{- $n := .Values.web.nginx -}}
apiVersion: v1
kind: ConfigMap
metadata:
  {{- include "magento-common.labels.metadata" (dict "context" $ "component" "web" "name" (include "magento-common.names.component" (dict "context" $ "component" "nginx"))) | nindent 2 }}
data:
  nginx.conf: |
    # Rendered by the {{ .Chart.Name }} chart. Runs as non-root on a read-only root file system:
    # pid, temp files and logs go to /tmp and the container's stdout/stderr.
    worker_processes {{ $n.workerProcesses }};
    pid /tmp/nginx.pid;
    error_log stderr warn;

    events {
      worker_connections {{ $n.workerConnections }};
    }

    http {
      include /etc/magento/nginx/mime.types;
      default_type application/octet-stream;
      server_tokens off;
      sendfile on;
      tcp_nopush on;
      keepalive_timeout 65s;
      client_body_temp_path /tmp/client_body;
      proxy_temp_path /tmp/proxy;
      fastcgi_temp_path /tmp/fastcgi;
      uwsgi_temp_path /tmp/uwsgi;
      scgi_temp_path /tmp/scgi;

      log_format magento '$remote_addr - $remote_user [$time_local] "$request" $status '
                         '$body_bytes_sent "$http_referer" "$http_user_agent" '
                         'rt=$request_time uct=$upstream_connect_time urt=$upstream_response_time';
      # Buffered: one write per 4 KiB of lines instead of one a request (at most a second late).
      # 4 KiB is PIPE_BUF, so the two workers' writes to the container's log pipe never interleave.
      access_log /dev/stdout magento buffer=4k flush=1s;

      # The client address from the trusted proxies in front of the pods.
      {{- range include "magento-common.nginx.trustedProxies" $ | fromJsonArray }}
      set_real_ip_from {{ . }};
      {{- end }}
      real_ip_header X-Forwarded-For;
      real_ip_recursive on;

      # HTTPS as the client saw it: TLS ends at the load balancer or ingress controller, which
      # sends X-Forwarded-Proto (without it Magento loops between http and https).
      map $http_x_forwarded_proto $magento_https {
        default $https;
        https on;
      }

      map $http_host $mage_run_code {
        default "";
        {{- range $n.runCodes }}
        {{ .host | quote }} {{ .code | quote }};
        {{- end }}
      }
      map $http_host $mage_run_type {
        default "";
        {{- range $n.runCodes }}
        {{ .host | quote }} {{ .type | default "website" | quote }};
        {{- end }}
      }

      upstream fastcgi_backend {
        server unix:{{ include "magento-common.fpm.listen" $ }};
      }
      # php-fpm's health pool: the probes never wait behind the store's requests.
      upstream fastcgi_health {
        server unix:{{ include "magento-common.fpm.healthListen" $ }};
      }

      gzip on;
      gzip_disable "msie6";
      gzip_comp_level 6;
      gzip_min_length 1100;
      gzip_buffers 16 8k;
      gzip_proxied any;
      gzip_vary on;
      gzip_types text/plain text/css text/js text/xml text/javascript application/javascript
                 application/x-javascript application/json application/xml application/xml+rss
                 image/svg+xml;

      # Health endpoints for the kubelet only; the Service never routes to this port.
      server {
        listen {{ $n.healthPort }};
        access_log off;
        location = /healthz {
          default_type text/plain;
          return 200 "ok\n";
        }
        location = /fpm-ping {
          include /etc/magento/nginx/fastcgi_params;
          fastcgi_param SCRIPT_NAME /fpm-ping;
          fastcgi_param SCRIPT_FILENAME /fpm-ping;
          fastcgi_pass fastcgi_health;
        }
        # The store's health check (database and caches) for the readiness probe.
        location = /health_check.php {
          {{- include (printf "%s.nginx.healthCheck" .Chart.Name) $ | nindent 10 }}
        }
        location = /fpm-status {
          allow 127.0.0.1;
          deny all;
          include /etc/magento/nginx/fastcgi_params;
          fastcgi_param SCRIPT_NAME /fpm-status;
          fastcgi_param SCRIPT_FILENAME /fpm-status;
          fastcgi_pass fastcgi_backend;
        }
        # Connection and request counters for the exporter in the pod.
        location = /stub_status {
          allow 127.0.0.1;
          deny all;
          stub_status;
        }
        location / {
          return 404;
        }
      }
      {{- if .Values.metrics.enabled }}

      # php-fpm's pool status as OpenMetrics, for Prometheus (aggregates only: no request URIs).
      server {
        listen {{ .Values.metrics.phpFpm.port }};
        access_log off;
        location = /metrics {
          include /etc/magento/nginx/fastcgi_params;
          fastcgi_param SCRIPT_NAME /fpm-status;
          fastcgi_param SCRIPT_FILENAME /fpm-status;
          fastcgi_param QUERY_STRING openmetrics;
          fastcgi_pass fastcgi_backend;
        }
        location / {
          return 404;
        }
      }
      {{- end }}
{{ include (printf "%s.nginx.storeServer" .Chart.Name) $ }}
    }
  fastcgi_params: |
    {{- include "magento-common.nginx.fastcgiParams" . | nindent 4 }}
  mime.types: |
    {{- include "magento-common.nginx.mimeTypes" . | nindent 4 }}
{{- end -}}
