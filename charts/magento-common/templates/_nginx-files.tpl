{{/*
The static files of nginx's configuration (magento-common.nginx.configMap holds them).
*/}}

{{/*
magento-common.nginx.fastcgiParams: the FastCGI parameters of every PHP location (SERVER_NAME
is the request's Host).
Usage: {{- include "magento-common.nginx.fastcgiParams" . | nindent 4 }}
*/}}
{{- define "magento-common.nginx.fastcgiParams" -}}
fastcgi_param QUERY_STRING      $query_string;
fastcgi_param REQUEST_METHOD    $request_method;
fastcgi_param CONTENT_TYPE      $content_type;
fastcgi_param CONTENT_LENGTH    $content_length;
fastcgi_param SCRIPT_NAME       $fastcgi_script_name;
fastcgi_param REQUEST_URI       $request_uri;
fastcgi_param DOCUMENT_URI      $document_uri;
fastcgi_param DOCUMENT_ROOT     $document_root;
fastcgi_param SERVER_PROTOCOL   $server_protocol;
fastcgi_param REQUEST_SCHEME    $scheme;
fastcgi_param GATEWAY_INTERFACE CGI/1.1;
fastcgi_param SERVER_SOFTWARE   nginx;
fastcgi_param REMOTE_ADDR       $remote_addr;
fastcgi_param REMOTE_PORT       $remote_port;
fastcgi_param SERVER_ADDR       $server_addr;
fastcgi_param SERVER_PORT       $server_port;
fastcgi_param SERVER_NAME       $host;
fastcgi_param REDIRECT_STATUS   200;
{{- end -}}

{{/*
magento-common.nginx.mimeTypes: the types nginx serves a store's files with.
Usage: {{- include "magento-common.nginx.mimeTypes" . | nindent 4 }}
*/}}
{{- define "magento-common.nginx.mimeTypes" -}}
types {
  text/html                         html htm;
  text/css                          css;
  text/xml                          xml;
  text/plain                        txt;
  text/csv                          csv;
  application/javascript            js mjs;
  application/json                  json map;
  application/manifest+json         webmanifest;
  image/gif                         gif;
  image/jpeg                        jpeg jpg;
  image/png                         png;
  image/webp                        webp;
  image/avif                        avif;
  image/avif-sequence               avifs;
  image/svg+xml                     svg svgz;
  image/x-icon                      ico;
  font/woff                         woff;
  font/woff2                        woff2;
  font/ttf                          ttf;
  font/otf                          otf;
  application/vnd.ms-fontobject     eot;
  application/pdf                   pdf;
  application/zip                   zip;
  application/gzip                  gz gzip;
  application/x-bzip2               bz2;
  video/mp4                         mp4;
  video/webm                        webm;
}
{{- end -}}

{{/*
magento-common.nginx.imageFileCache: nginx's cache of file lookups (try_files, the -f tests, the
opens of static files; misses too), for a location whose files come from the app image, which
cannot change while nginx runs: a stat or an open saved on every request (static files: ~40% of
their CPU time in bench-web.sh). Only in such locations: media and anything else on the shared
volume (the OpenMage maintenance flag) come and go, and a cached miss or file would outlive them.
Usage: {{- include "magento-common.nginx.imageFileCache" . | nindent 10 }}
*/}}
{{- define "magento-common.nginx.imageFileCache" -}}
open_file_cache max=10000 inactive=60s;
open_file_cache_valid 60s;
open_file_cache_errors on;
{{- end -}}
