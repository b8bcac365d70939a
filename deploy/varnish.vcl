vcl 4.1;
# Varnish (7.1, Debian's package) in front of the example site's app servers: it keeps
# what the app says a shared cache may keep, and nothing else (docs/deploying.md,
# "Production profile").
#
# - Anonymous GET and HEAD requests are cached for the response's s-maxage (or max-age):
#   campaign pages (PAGE_CACHE_CONTROL) and their count/ (COUNT_CACHE_CONTROL). A response
#   without Cache-Control or Expires, or one that is private or sets a cookie, is not.
# - A request with a session, CSRF or messages cookie (a logged-in editor, the Wagtail
#   admin, a form in progress), any other method (POST: signing), /admin/ and
#   Authorization headers go straight to the app. Other cookies (analytics) are dropped.
# - stale-while-revalidate: a copy that old is served at once while a fresh one is
#   fetched in the background (Varnish's grace). stale-if-error: a copy that old is served
#   only when the app fails (5xx or no answer).
# - PURGE, as sent by Wagtail's frontend cache (HTTPBackend) when a page is published,
#   is taken only from the addresses in "purgers", directly (not through another proxy).
#
# The app servers are gunicorn (example_site/gunicorn.conf.py). Start with e.g.
#   varnishd -a :6081 -f /path/to/deploy/varnish.vcl -s malloc,256m
# and set FRONTEND_CACHE_URL=http://127.0.0.1:6081 for the app servers and the worker.
# A TLS terminator in front of Varnish adds itself to X-Forwarded-For: then the app
# servers need HERETOSTAY_NUM_PROXIES=2 (1 with Varnish alone).

import std;

backend app {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 60s;
    .between_bytes_timeout = 60s;
}

# Who may purge: the task worker that runs Wagtail's purge, on this host.
acl purgers {
    "localhost";
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.restarts == 0) {
        # Varnish's own flags (below), never a client's.
        unset req.http.X-Heretostay-Refresh;
        unset req.http.X-Heretostay-Stale;
    }

    if (req.method == "PURGE") {
        # Varnish has put client.ip in X-Forwarded-For: more than one address there means
        # the PURGE came through another proxy (a visitor), not from the worker itself.
        if (client.ip !~ purgers || req.http.X-Forwarded-For ~ ",") {
            return (synth(405, "PURGE not allowed"));
        }
        return (purge);
    }

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/(admin|django-admin)(/|$)") {
        return (pass);
    }
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|csrftoken|messages)=") {
        return (pass);
    }
    # No other cookie changes what the app answers: anonymous visitors share one copy.
    unset req.http.Cookie;

    # Links shared with tracking parameters are the same page (and purged with it).
    if (req.url ~ "[?&](utm_[a-z]+|fbclid|gclid)=") {
        set req.url = regsuball(req.url, "(utm_[a-z]+|fbclid|gclid)=[^&]*&?", "");
        set req.url = regsub(req.url, "[?&]+$", "");
    }

    if (req.http.X-Heretostay-Refresh) {
        # Restarted from vcl_hit: the copy is past its stale-while-revalidate, so ask the
        # app for a fresh one now rather than serve it.
        set req.grace = 0s;
    } elsif (req.http.X-Heretostay-Stale) {
        # Restarted from vcl_synth: that failed; the copy's own grace (stale-if-error)
        # applies again (req.grace outlives a restart and cannot be unset).
        set req.grace = 3650d;
    }
    # Then Varnish's built-in vcl_recv: host lower-cased, Authorization passed.
}

sub vcl_hit {
    if (obj.ttl < 0s && !req.http.X-Heretostay-Stale &&
        obj.ttl + std.duration(obj.http.X-Heretostay-SWR + "s", 0s) <= 0s) {
        # Past stale-while-revalidate, kept only for stale-if-error: fetch first.
        set req.http.X-Heretostay-Refresh = "1";
        return (restart);
    }
}

sub vcl_backend_response {
    if (beresp.status >= 500 && (bereq.is_bgfetch || bereq.http.X-Heretostay-Refresh)) {
        # The app fails: keep the stale copy we have (stale-if-error).
        return (abandon);
    }
    if (!beresp.http.Cache-Control && !beresp.http.Expires) {
        # Only what the app says may be kept is kept (not Varnish's default_ttl).
        set beresp.ttl = 120s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # beresp.grace is already the response's stale-while-revalidate (Varnish reads it);
    # remember it, and keep the copy as long as stale-if-error says.
    set beresp.http.X-Heretostay-SWR = "0";
    if (beresp.http.Cache-Control ~ "stale-while-revalidate=[0-9]+") {
        set beresp.http.X-Heretostay-SWR = regsub(beresp.http.Cache-Control,
            "^.*stale-while-revalidate=([0-9]+).*$", "\1");
    }
    if (beresp.http.Cache-Control ~ "stale-if-error=[0-9]+") {
        set beresp.grace = std.duration(regsub(beresp.http.Cache-Control,
            "^.*stale-if-error=([0-9]+).*$", "\1") + "s", beresp.grace);
    }
    # Then the built-in rules: private, no-store, Set-Cookie and Vary: * are not kept.
}

sub vcl_backend_error {
    if (bereq.is_bgfetch || bereq.http.X-Heretostay-Refresh) {
        # No answer from the app: keep the stale copy (stale-if-error).
        return (abandon);
    }
}

sub vcl_synth {
    if (resp.status == 503 && req.http.X-Heretostay-Refresh && !req.http.X-Heretostay-Stale) {
        # The refresh failed: serve the stale copy, if one is still kept.
        unset req.http.X-Heretostay-Refresh;
        set req.http.X-Heretostay-Stale = "1";
        return (restart);
    }
}

sub vcl_deliver {
    unset resp.http.X-Heretostay-SWR;
    if (req.http.X-Heretostay-Stale) {
        set resp.http.X-Cache = "STALE";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
