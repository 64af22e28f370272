{{/*
magento2.nginx.storeServer: nginx's server block of the store: Magento's own rules (nginx.conf.sample
of Magento 2.4.8) for pub/, static files with their versioned URLs, media (private paths refused),
only Magento's entry points executed by php-fpm, the installer, updater and dot-files never
reachable, and web.nginx.extraServerConfig at the end.
Usage (at the start of a line; the block keeps its own indentation): {{ include "magento2.nginx.storeServer" $ }}
*/}}
{{- define "magento2.nginx.storeServer" -}}
{{- $n := .Values.web.nginx -}}
{{- $root := .Values.podDefaults.documentRoot -}}
{{- $assets := "ico|jpg|jpeg|png|gif|svg|svgz|webp|avif|avifs|js|css|eot|ttf|otf|woff|woff2|html|json|webmanifest|map" }}
      server {
        listen {{ $n.port }} default_server;
        server_name _;
        set $MAGE_ROOT {{ $root }};
        root $MAGE_ROOT/pub;
        index index.php;
        autoindex off;
        charset UTF-8;
        absolute_redirect off;
        client_max_body_size {{ $n.clientMaxBodySize }};
        error_page 404 403 = /errors/404.php;

        # Never reachable: the web installer, the updater, cron over HTTP, dot-files.
        location ~* ^/(setup|update)($|/) {
          return 404;
        }
        location ~* ^/cron\.php {
          return 404;
        }
        location ~ /\.(?!well-known) {
          return 404;
        }

        # File lookups are cached where the files come from the image (not under /media/).
        location / {
          {{- include "magento-common.nginx.imageFileCache" . | nindent 10 }}
          try_files $uri $uri/ /index.php$is_args$args;
        }

        location /static/ {
          {{- include "magento-common.nginx.imageFileCache" . | nindent 10 }}
          expires max;
          # Versioned URLs (/static/version1234/...) map to the files without the version.
          location ~ ^/static/version\d*/ {
            rewrite ^/static/version\d*/(.*)$ /static/$1 last;
          }
          location ~* \.({{ $assets }})$ {
            add_header Cache-Control "public";
            add_header X-Frame-Options "SAMEORIGIN";
            expires +1y;
            if (!-f $request_filename) {
              rewrite ^/static/(version\d*/)?(.*)$ /static.php?resource=$2 last;
            }
          }
          location ~* \.(zip|gz|gzip|bz2|csv|xml)$ {
            add_header Cache-Control "no-store";
            add_header X-Frame-Options "SAMEORIGIN";
            expires off;
            if (!-f $request_filename) {
              rewrite ^/static/(version\d*/)?(.*)$ /static.php?resource=$2 last;
            }
          }
          if (!-f $request_filename) {
            rewrite ^/static/(version\d*/)?(.*)$ /static.php?resource=$2 last;
          }
          add_header X-Frame-Options "SAMEORIGIN";
        }

        location /media/ {
          # Private media is never served.
          location ~ ^/media/(customer|downloadable|import|custom_options)/ {
            return 404;
          }
          location ~ ^/media/theme_customization/.*\.xml {
            return 404;
          }
          location ~* \.({{ $assets }})$ {
            add_header Cache-Control "public";
            add_header X-Frame-Options "SAMEORIGIN";
            expires +1y;
            try_files $uri $uri/ /get.php$is_args$args;
          }
          location ~* \.(zip|gz|gzip|bz2|csv|xml)$ {
            add_header Cache-Control "no-store";
            add_header X-Frame-Options "SAMEORIGIN";
            expires off;
            try_files $uri $uri/ /get.php$is_args$args;
          }
          try_files $uri $uri/ /get.php$is_args$args;
          add_header X-Frame-Options "SAMEORIGIN";
        }

        location /errors/ {
          {{- include "magento-common.nginx.imageFileCache" . | nindent 10 }}
          location ~* \.xml$ {
            return 404;
          }
        }

        # Only Magento's entry points execute PHP.
        location ~ ^/(index|get|static|errors/report|errors/404|errors/503|health_check)\.php$ {
          {{- include "magento-common.nginx.imageFileCache" . | nindent 10 }}
          try_files $uri =404;
          fastcgi_pass fastcgi_backend;
          fastcgi_buffers 16 16k;
          fastcgi_buffer_size 32k;
          fastcgi_busy_buffers_size 64k;
          fastcgi_connect_timeout 5s;
          fastcgi_read_timeout {{ $n.fastcgiReadTimeout }}s;
          fastcgi_send_timeout {{ $n.fastcgiReadTimeout }}s;
          include /etc/magento/nginx/fastcgi_params;
          fastcgi_param SCRIPT_FILENAME $document_root$fastcgi_script_name;
          fastcgi_param HTTPS $magento_https if_not_empty;
          fastcgi_param MAGE_MODE {{ .Values.magento.mode }};
          fastcgi_param MAGE_RUN_CODE $mage_run_code if_not_empty;
          fastcgi_param MAGE_RUN_TYPE $mage_run_type if_not_empty;
        }

        location ~* (\.php$|\.phtml$|\.htaccess$|\.htpasswd$|\.git) {
          return 404;
        }
        {{- with $n.extraServerConfig }}

        {{- . | trimSuffix "\n" | nindent 8 }}
        {{- end }}
      }
{{- end -}}

{{/*
magento2.nginx.healthCheck: the body of the health server's /health_check.php location: Magento's
pub/health_check.php (database and caches) through php-fpm's health pool.
Usage: {{- include "magento2.nginx.healthCheck" $ | nindent 10 }}
*/}}
{{- define "magento2.nginx.healthCheck" -}}
{{- $root := .Values.podDefaults.documentRoot -}}
include /etc/magento/nginx/fastcgi_params;
fastcgi_param SCRIPT_NAME /health_check.php;
fastcgi_param SCRIPT_FILENAME {{ $root }}/pub/health_check.php;
fastcgi_param DOCUMENT_ROOT {{ $root }}/pub;
fastcgi_param MAGE_MODE {{ .Values.magento.mode }};
fastcgi_read_timeout 30s;
fastcgi_pass fastcgi_health;
{{- end -}}
