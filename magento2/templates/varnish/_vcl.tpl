{{/*
magento2.varnish.vcl: the VCL of the Varnish in front of the store, after the one Magento 2.4
exports (varnish6.vcl): tag-based purges from Magento's pods, X-Magento-Vary in the hash, no
caching of private or uncacheable pages, marketing parameters dropped, grace while the web pods
are unhealthy, and a health endpoint that does not depend on them.
*/}}
{{- define "magento2.varnish.vcl" -}}
{{- $v := .Values.varnish -}}
# Rendered by the magento2 chart.
vcl 4.1;

import std;

backend default {
    .host = "{{ include "magento2.name" (dict "context" . "component" "web") }}";
    .port = "{{ .Values.service.port }}";
    .first_byte_timeout = {{ .Values.web.nginx.fastcgiReadTimeout }}s;
    .between_bytes_timeout = 60s;
    .probe = {
        .url = "/health_check.php";
        .timeout = 2s;
        .interval = 5s;
        .window = 10;
        .threshold = 5;
    }
}

acl purge {
{{- range $v.purgeFrom }}
{{- $parts := splitList "/" . }}
    "{{ index $parts 0 }}"/{{ index $parts 1 }};
{{- end }}
}

sub vcl_recv {
    if (req.url == "/varnish-health") {
        return (synth(200, "OK"));
    }

    if (req.method == "PURGE") {
        if (client.ip !~ purge) {
            return (synth(405, "Method not allowed"));
        }
        # Magento sends X-Magento-Tags-Pattern (tags of the changed entities) or X-Pool (everything).
        if (!req.http.X-Magento-Tags-Pattern && !req.http.X-Pool) {
            return (purge);
        }
        if (req.http.X-Magento-Tags-Pattern) {
            ban("obj.http.X-Magento-Tags ~ " + req.http.X-Magento-Tags-Pattern);
        }
        if (req.http.X-Pool) {
            ban("obj.http.X-Pool ~ " + req.http.X-Pool);
        }
        return (synth(200, "Purged"));
    }

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }

    # Health checks, static files and media (nginx serves them with their own cache headers), and
    # the admin are not kept here.
    if (req.url ~ "^/(health_check\.php|static/|media/|{{ .Values.magento.adminPath }}(/|$))") {
        return (pass);
    }

    # Marketing parameters do not change the page.
    if (req.url ~ "(\?|&)(gclid|gbraid|wbraid|fbclid|msclkid|dclid|mc_[a-z]+|utm_[a-z]+|_bta_[a-z]+)=") {
        set req.url = regsuball(req.url, "(gclid|gbraid|wbraid|fbclid|msclkid|dclid|mc_[a-z]+|utm_[a-z]+|_bta_[a-z]+)=[-_A-z0-9+(){}%.*]+&?", "");
        set req.url = regsub(req.url, "[?|&]+$", "");
    }

    # Bearer-authenticated API requests are personal.
    if (req.http.Authorization ~ "^Bearer") {
        return (pass);
    }

    std.collect(req.http.Cookie);
    return (hash);
}

sub vcl_hash {
    # Customer groups, currencies and stores that differ see different pages.
    if (req.http.cookie ~ "X-Magento-Vary=") {
        hash_data(regsub(req.http.cookie, "^.*?X-Magento-Vary=([^;]+);*.*$", "\1"));
    }
    # http and https pages differ (base URLs in the page).
    hash_data(req.http.X-Forwarded-Proto);
}

sub vcl_backend_response {
    set beresp.grace = {{ $v.graceSeconds }}s;

    if (beresp.http.content-type ~ "text") {
        set beresp.do_esi = true;
    }
    if (bereq.url ~ "\.js$" || beresp.http.content-type ~ "text") {
        set beresp.do_gzip = true;
    }

    # Only successful pages and not-found pages are kept.
    if (beresp.status != 200 && beresp.status != 404) {
        set beresp.ttl = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    } elsif (beresp.http.Cache-Control ~ "private") {
        set beresp.uncacheable = true;
        set beresp.ttl = 86400s;
        return (deliver);
    }

    # A cached page never sets a cookie.
    if (beresp.ttl > 0s && (bereq.method == "GET" || bereq.method == "HEAD")) {
        unset beresp.http.set-cookie;
    }

    # Pages Magento marks uncacheable go to the backend for the next two minutes (hit-for-miss).
    if (beresp.ttl <= 0s ||
        beresp.http.Surrogate-control ~ "no-store" ||
        (!beresp.http.Surrogate-Control && beresp.http.Cache-Control ~ "no-cache|no-store") ||
        beresp.http.Vary == "*") {
        set beresp.ttl = 120s;
        set beresp.uncacheable = true;
    }
    return (deliver);
}

sub vcl_deliver {
{{- if $v.debugHeaders }}
    if (obj.uncacheable) {
        set resp.http.X-Cache = "UNCACHEABLE";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
{{- end }}
    # Internal headers never leave.
    unset resp.http.X-Magento-Tags;
    unset resp.http.X-Pool;
    unset resp.http.X-Powered-By;
    unset resp.http.Server;
    unset resp.http.X-Varnish;
    unset resp.http.Via;
    unset resp.http.Link;
}
{{- end -}}
