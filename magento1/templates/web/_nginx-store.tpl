{{/*
magento1.nginx.storeServer: nginx's server block of the store, after OpenMage's own allow-list
(dev/openmage/nginx-frontend.conf of OpenMage 20.18.0): only index.php runs (every URL that is not
a static file goes to it), static files from skin/, js/, media/ (misses to get.php, private paths
refused) and errors/ assets; OpenMage's code, configuration, var/, the installer, cron over HTTP,
every other PHP file and dot-files are never reachable. While the setup Job holds the store in
maintenance (the flag on the shared media volume) every request but those from
magento.maintenanceAllowIps gets 503. web.nginx.extraServerConfig comes at the end.
Usage (at the start of a line; the block keeps its own indentation): {{ include "magento1.nginx.storeServer" $ }}
*/}}
{{- define "magento1.nginx.storeServer" -}}
{{- $n := .Values.web.nginx -}}
{{- $root := .Values.podDefaults.documentRoot -}}
{{- $assets := "ico|jpg|jpeg|png|gif|svg|svgz|webp|avif|js|css|eot|ttf|otf|woff|woff2|html|json|map|swf" }}
      # Clients that still get the store while it is in maintenance (magento.maintenanceAllowIps).
      geo $openmage_maintenance_bypass {
        default 0;
        {{- range .Values.magento.maintenanceAllowIps }}
        {{ . }} 1;
        {{- end }}
      }

      server {
        listen {{ $n.port }} default_server;
        server_name _;
        set $MAGE_ROOT {{ $root }};
        root $MAGE_ROOT;
        index index.php;
        autoindex off;
        charset UTF-8;
        absolute_redirect off;
        client_max_body_size {{ $n.clientMaxBodySize }};

        # The setup Job's maintenance (files/setup.sh): the flag on the shared media volume.
        set $openmage_maintenance 0;
        if (-f {{ include "magento1.maintenanceFlag" $ }}) {
          set $openmage_maintenance 1;
        }
        if ($openmage_maintenance_bypass) {
          set $openmage_maintenance 0;
        }
        if ($openmage_maintenance) {
          return 503 "The store is being updated. Please come back in a few minutes.\n";
        }
        if ($request_method !~ ^(GET|HEAD|POST|OPTIONS)$) {
          return 405;
        }

        # Never reachable: OpenMage's code and configuration, var/, dot-files.
        location ~ ^/(app|includes|lib|var|shell|dev|downloader|pkginfo|vendor)(/|$) {
          return 404;
        }
        location ~ (^|/)\. {
          return 404;
        }

        # The front controller: every URL that is not a static file.
        location / {
          {{- include "magento-common.nginx.imageFileCache" . | nindent 10 }}
          try_files /nonexistent @openmage;
        }
        location = /index.php {
          {{- include "magento-common.nginx.imageFileCache" . | nindent 10 }}
          try_files /nonexistent @openmage;
        }
        location ^~ /index.php/ {
          {{- include "magento-common.nginx.imageFileCache" . | nindent 10 }}
          try_files /nonexistent @openmage;
        }
        location @openmage {
          include /etc/magento/nginx/fastcgi_params;
          fastcgi_param SCRIPT_FILENAME $MAGE_ROOT/index.php;
          fastcgi_param SCRIPT_NAME /index.php;
          {{- include "magento1.nginx.fastcgi" $ | nindent 10 }}
        }
        # Root files robots and browsers ask for.
        location ~ ^/(robots\.txt|favicon\.ico|sitemap[^/]*\.xml)$ {
          try_files $uri @openmage;
        }

        # Static files of the themes, the JavaScript libraries and the media.
        location ^~ /skin/ {
          {{- include "magento-common.nginx.imageFileCache" . | nindent 10 }}
          {{- include "magento1.nginx.static" (dict "assets" $assets) | nindent 10 }}
        }
        location ^~ /js/ {
          {{- include "magento-common.nginx.imageFileCache" . | nindent 10 }}
          {{- include "magento1.nginx.static" (dict "assets" $assets) | nindent 10 }}
        }
        location ^~ /media/ {
          location ~ ^/media/(customer|downloadable|import)/ {
            return 404;
          }
          {{- include "magento1.nginx.static" (dict "assets" $assets "miss" "@media") | nindent 10 }}
        }
        # A media file not on the volume yet (e.g. a resized product image): OpenMage's get.php.
        location @media {
          include /etc/magento/nginx/fastcgi_params;
          fastcgi_param SCRIPT_FILENAME $MAGE_ROOT/get.php;
          fastcgi_param SCRIPT_NAME /get.php;
          {{- include "magento1.nginx.fastcgi" $ | nindent 10 }}
        }
        # OpenMage's error pages: their assets, and the 404/503/report pages themselves.
        location ^~ /errors/ {
          {{- include "magento-common.nginx.imageFileCache" . | nindent 10 }}
          location ~ ^/errors/(404|503|report)\.php$ {
            include /etc/magento/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME $MAGE_ROOT$fastcgi_script_name;
            {{- include "magento1.nginx.fastcgi" $ | nindent 12 }}
          }
          location ~* \.({{ $assets }})$ {
            try_files $uri =404;
          }
          return 404;
        }
        # Every other PHP file (install.php, cron.php, api.php, get.php called directly, …).
        location ~* \.(php[0-9]?|phtml|phar|sh|pl|py|cgi)$ {
          return 404;
        }
        {{- with $n.extraServerConfig }}
        {{- . | nindent 8 }}
        {{- end }}
      }
{{- end -}}

{{/*
magento1.nginx.static: the body of a static location: files as they are with long caching, a miss
to `miss` (default 404), and no dot-file (the maintenance flag, .htaccess) or program served.
Usage: {{- include "magento1.nginx.static" (dict "assets" $assets "miss" "@media") | nindent 10 }}
*/}}
{{- define "magento1.nginx.static" -}}
location ~ /\. {
  return 404;
}
location ~* \.(php[0-9]?|phtml|phar|sh|pl|py|cgi)$ {
  return 404;
}
location ~* \.({{ .assets }})$ {
  add_header Cache-Control "public";
  add_header X-Frame-Options "SAMEORIGIN";
  expires +1y;
  try_files $uri {{ .miss | default "=404" }};
}
try_files $uri {{ .miss | default "=404" }};
{{- end -}}

{{/*
magento1.nginx.fastcgi: the FastCGI settings of a request OpenMage answers: the upstream, buffers
and timeouts, HTTPS as the client saw it, the store's run code.
Usage: {{- include "magento1.nginx.fastcgi" $ | nindent 10 }}
*/}}
{{- define "magento1.nginx.fastcgi" -}}
{{- $n := .Values.web.nginx -}}
fastcgi_param DOCUMENT_ROOT $MAGE_ROOT;
fastcgi_param HTTPS $magento_https if_not_empty;
fastcgi_param MAGE_RUN_CODE $mage_run_code if_not_empty;
fastcgi_param MAGE_RUN_TYPE $mage_run_type if_not_empty;
fastcgi_pass fastcgi_backend;
fastcgi_buffers 16 16k;
fastcgi_buffer_size 32k;
fastcgi_busy_buffers_size 64k;
fastcgi_connect_timeout 5s;
fastcgi_read_timeout {{ $n.fastcgiReadTimeout }}s;
fastcgi_send_timeout {{ $n.fastcgiReadTimeout }}s;
{{- end -}}
