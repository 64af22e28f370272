{{/*
magento2.varnish.vcl.responses: the response half of the store's VCL (magento2.varnish.vcl):
what is cached and for how long (grace, ESI, gzip, only successful and not-found pages, no
private pages, no response that sets a new vary cookie), and what the browser gets (Cache-Control
rewritten, internal headers removed; X-Magento-Cache-Debug HIT/MISS with varnish.debugHeaders).
Usage: {{ include "magento2.varnish.vcl.responses" $ }}
*/}}
{{- define "magento2.varnish.vcl.responses" -}}
{{- $v := .Values.varnish -}}
sub vcl_backend_response {
    set beresp.grace = {{ $v.graceSeconds }}s;

    # Headers no visitor needs are dropped once, before the object is kept, not on every hit.
    unset beresp.http.X-Magento-Debug;
    unset beresp.http.X-Powered-By;
    unset beresp.http.Server;
    unset beresp.http.Link;

    if (beresp.http.content-type ~ "text") {
        set beresp.do_esi = true;
    }
    if (bereq.url ~ "\.js$" || beresp.http.content-type ~ "text") {
        set beresp.do_gzip = true;
    }

    # Only successful pages and not-found pages are kept; private pages go to the backend for a day.
    if (beresp.status != 200 && beresp.status != 404) {
        set beresp.ttl = 0s;
        set beresp.uncacheable = true;
        call browser_cache_headers;
        return (deliver);
    } elsif (beresp.http.Cache-Control ~ "private") {
        set beresp.uncacheable = true;
        set beresp.ttl = 86400s;
        return (deliver);
    }

    # A cached page never sets a cookie. A response that sets a new X-Magento-Vary cookie for a
    # request without one is that visitor's page (a new customer group, currency or store): not
    # kept, or it would be served to everyone without the cookie.
    if (beresp.ttl > 0s && (bereq.method == "GET" || bereq.method == "HEAD")) {
        std.collect(beresp.http.set-cookie);
        if ((bereq.url !~ "/graphql" || !bereq.http.X-Magento-Cache-Id) &&
            bereq.http.cookie !~ "X-Magento-Vary=" &&
            beresp.http.set-cookie ~ "X-Magento-Vary=") {
            set beresp.ttl = 0s;
            set beresp.uncacheable = true;
        }
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

    # A GraphQL answer for another cache id than the one asked for is not kept.
    if (bereq.url ~ "/graphql" && bereq.http.X-Magento-Cache-Id && bereq.http.X-Magento-Cache-Id != beresp.http.X-Magento-Cache-Id) {
        set beresp.ttl = 0s;
        set beresp.uncacheable = true;
    }
    call browser_cache_headers;
    return (deliver);
}

# A backend that fails answers with Varnish's error page: not kept by browsers either.
sub vcl_backend_error {
    call browser_cache_headers;
}

# Browsers and CDNs must not keep pages that a purge here removes (static files and media keep
# nginx's headers; private pages keep Magento's). Called once the kept object's lifetime is
# decided from the backend's Cache-Control, so what is kept carries the browser's headers and
# a hit delivers them as they are, instead of rewriting three headers on every hit (Magento's
# VCL does it in vcl_deliver).
sub browser_cache_headers {
    if (beresp.http.Cache-Control !~ "private" && bereq.url !~ "^/(pub/)?(media|static)/") {
        set beresp.http.Pragma = "no-cache";
        set beresp.http.Expires = "-1";
        set beresp.http.Cache-Control = "no-store, no-cache, must-revalidate, max-age=0";
    }
}

sub vcl_deliver {
{{- if $v.debugHeaders }}
    if (obj.uncacheable) {
        set resp.http.X-Magento-Cache-Debug = "UNCACHEABLE";
    } elsif (obj.hits > 0) {
        set resp.http.X-Magento-Cache-Debug = "HIT";
    } else {
        set resp.http.X-Magento-Cache-Debug = "MISS";
    }
{{- end }}
    # Internal headers never leave: the ones kept with the object (bans match its tags and pool)
    # and the ones Varnish adds on delivery; the backend's own are dropped in
    # vcl_backend_response.
    unset resp.http.Age;
    unset resp.http.X-Magento-Tags;
    unset resp.http.X-Pool;
    unset resp.http.X-Varnish;
    unset resp.http.Via;
}
{{- end -}}
