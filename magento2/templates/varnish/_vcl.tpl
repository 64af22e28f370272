{{/*
magento2.varnish.vcl: the VCL of the Varnish in front of the store, after the one Magento 2.4.8
exports (module-page-cache/etc/varnish6.vcl and varnish7.vcl, which differ only in comments):
tag-based purges accepted only on the purge listener, X-Magento-Vary and the GraphQL cache keys
in the hash, no caching of private or uncacheable pages nor of a response that sets a new vary
cookie, marketing parameters dropped, a short grace while the web pods are healthy and a long one
while they are not, Cache-Control rewritten for browsers, and a health endpoint that does not
depend on the web pods. Deliberate differences from Magento's: a PURGE must come in on the purge
listener (varnish.purgePort, which no public Service exposes), the marketing parameters are only
stripped as whole parameters ("movie=" keeps its "ie="), error responses are not kept as
hit-for-miss for a day, and the admin path passes.
Usage: {{ include "magento2.varnish.vcl" $ }}
*/}}
{{- define "magento2.varnish.vcl" -}}
{{- $v := .Values.varnish -}}
{{- $marketing := "gad_source|gbraid|wbraid|_gl|dclid|gclsrc|srsltid|msclkid|gclid|cx|_kx|ie|cof|siteurl|zanpid|origin|fbclid|mc_[a-z]+|utm_[a-z]+|_bta_[a-z]+" -}}
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
        .interval = 2s;
        .window = 5;
        .threshold = 3;
        # Healthy from the start, with a full window of good probes: a new Varnish pod takes
        # traffic as soon as it is ready and must not answer 503 until its first probes came back
        # (the default starts it sick), nor after one failed probe while the web pods start. Sick
        # after 3 failures in 5 probes (6 s), healthy again after 3 good ones (6 s).
        .initial = 5;
    }
}

acl purge {
{{- range $v.purgeFrom }}
{{- $parts := splitList "/" . }}
    "{{ index $parts 0 }}"/{{ index $parts 1 }};
{{- end }}
}

sub vcl_recv {
    # The purge listener (-a purge=:{{ $v.purgePort }}) takes Magento's purges and nothing else; no
    # public Service exposes it. A PURGE anywhere else is refused, whoever sends it.
    if (local.socket == "purge") {
        if (req.method != "PURGE" || client.ip !~ purge) {
            return (synth(405, "Method not allowed"));
        }
        # Magento sends X-Magento-Tags-Pattern (the tags of what changed; ".*" for everything);
        # deploy tools may send X-Pool.
        if (!req.http.X-Magento-Tags-Pattern && !req.http.X-Pool) {
            return (synth(400, "X-Magento-Tags-Pattern or X-Pool header required"));
        }
        if (req.http.X-Magento-Tags-Pattern) {
            ban("obj.http.X-Magento-Tags ~ " + req.http.X-Magento-Tags-Pattern);
        }
        if (req.http.X-Pool) {
            ban("obj.http.X-Pool ~ " + req.http.X-Pool);
        }
        return (synth(200, "Purged"));
    }
    if (req.method == "PURGE") {
        return (synth(405, "Method not allowed"));
    }

    if (req.url == "/varnish-health") {
        return (synth(200, "OK"));
    }

    if (req.method != "GET" &&
        req.method != "HEAD" &&
        req.method != "PUT" &&
        req.method != "POST" &&
        req.method != "TRACE" &&
        req.method != "OPTIONS" &&
        req.method != "DELETE") {
        return (pipe);
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }

    # While the web pods are healthy an expired page is served only briefly (and refreshed in the
    # background); while they are down, for the whole grace of the object.
    if (std.healthy(req.backend_hint)) {
        set req.grace = {{ $v.healthyGraceSeconds }}s;
    }

    # Customer and checkout pages (anywhere in the path), health checks, static files and media
    # (nginx serves them with their own cache headers), and the admin are not kept here. One
    # regular expression for all (each match is a PCRE call on every request, cached hits
    # included).
    if (req.url ~ "/(customer|checkout)|^/((pub/)?(health_check\.php|static/|media/)|{{ .Values.magento.adminPath }}(/|\?|$))") {
        return (pass);
    }

    # Marketing parameters do not change the page.
    if (req.url ~ "[?&]({{ $marketing }})=") {
        set req.url = regsuball(req.url, "([?&])({{ $marketing }})=[-_A-z0-9+()%.]*", "\1");
        set req.url = regsuball(req.url, "([?&])&+", "\1");
        set req.url = regsub(req.url, "[?&]+$", "");
    }

    # Bearer-authenticated requests are personal, except GraphQL queries that carry Magento's
    # cache id (their key holds it).
    if (req.http.Authorization && req.http.Authorization ~ "^Bearer" && !(req.url ~ "/graphql" && req.http.X-Magento-Cache-Id)) {
        return (pass);
    }

    std.collect(req.http.Cookie);
    return (hash);
}

sub vcl_hash {
    # Customer groups, currencies and stores that differ see different pages.
    if (req.http.cookie && req.http.cookie ~ "X-Magento-Vary=" && (req.url !~ "/graphql" || !req.http.X-Magento-Cache-Id)) {
        hash_data(regsub(req.http.cookie, "^.*?X-Magento-Vary=([^;]+);*.*$", "\1"));
    }
    # http and https pages differ (base URLs in the page).
    if (req.http.X-Forwarded-Proto) {
        hash_data(req.http.X-Forwarded-Proto);
    }
    if (req.url ~ "/graphql") {
        call process_graphql_headers;
    }
}

sub process_graphql_headers {
    if (req.http.X-Magento-Cache-Id) {
        hash_data(req.http.X-Magento-Cache-Id);
        if (req.http.Authorization ~ "^Bearer") {
            hash_data("Authorized");
        }
    }
    if (req.http.Store) {
        hash_data(req.http.Store);
    }
    if (req.http.Content-Currency) {
        hash_data(req.http.Content-Currency);
    }
}

{{ include "magento2.varnish.vcl.responses" . }}
{{- end -}}
