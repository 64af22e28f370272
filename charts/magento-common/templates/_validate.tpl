{{/*
magento-common.validate.oneOf: fails unless `value` is one of `allowed`, naming the values key:
  web.codeSharing "rsync" is invalid; allowed: copy, image-volume
Usage: {{- include "magento-common.validate.oneOf" (dict "path" "web.codeSharing" "value" .Values.web.codeSharing "allowed" (list "copy" "image-volume")) }}
*/}}
{{- define "magento-common.validate.oneOf" -}}
{{- if not (has .value .allowed) -}}
{{- fail (printf "%s %q is invalid; allowed: %s" .path (toString .value) (join ", " .allowed)) -}}
{{- end -}}
{{- end -}}

{{/*
magento-common.validate.that: fails with "<path>: <message>" when `condition` is false.
Usage: {{- include "magento-common.validate.that" (dict "condition" (gt $n 0) "path" "web.php.fpm.maxChildren" "message" "must be at least 1") }}
*/}}
{{- define "magento-common.validate.that" -}}
{{- if not .condition -}}
{{- fail (printf "%s: %s" .path .message) -}}
{{- end -}}
{{- end -}}

{{/*
magento-common.validate.distinct: fails when two keys of `values` (a dict path → value) hold the
same value, naming both keys.
Usage: {{- include "magento-common.validate.distinct" (dict "values" (dict "a.db" 0 "b.db" 1) "what" "Redis database numbers") }}
*/}}
{{- define "magento-common.validate.distinct" -}}
{{- $seen := dict -}}
{{- range $path := keys .values | sortAlpha -}}
{{- $v := toString (get $.values $path) -}}
{{- if hasKey $seen $v -}}
{{- fail (printf "%s and %s must differ (%s): both are %s" (get $seen $v) $path $.what $v) -}}
{{- end -}}
{{- $_ := set $seen $v $path -}}
{{- end -}}
{{- end -}}

{{/*
magento-common.validate.restricted: fails, naming `path`, when a pod or container securityContext
override (`values`) breaks Pod Security "restricted" (the level the store namespaces enforce):
privileged, privilege escalation, root (runAsNonRoot false, runAsUser 0), an added capability
other than NET_BIND_SERVICE, or a seccomp profile other than RuntimeDefault/Localhost. The API
server would accept the object and then refuse every pod, so the install would hang instead.
Usage: {{- include "magento-common.validate.restricted" (dict "path" "web.nginx.containerSecurityContext" "values" .Values.web.nginx.containerSecurityContext) -}}
*/}}
{{- define "magento-common.validate.restricted" -}}
{{- $p := .path -}}
{{- $v := default (dict) .values -}}
{{- $why := "is refused by Pod Security \"restricted\", which the store namespaces enforce: no pod would start" -}}
{{- range $key := list "privileged" "allowPrivilegeEscalation" -}}
{{- if eq (toString (get $v $key)) "true" -}}
{{- fail (printf "%s.%s: true %s" $p $key $why) -}}
{{- end -}}
{{- end -}}
{{- if eq (toString (get $v "runAsNonRoot")) "false" -}}
{{- fail (printf "%s.runAsNonRoot: false %s" $p $why) -}}
{{- end -}}
{{- if and (hasKey $v "runAsUser") (eq (toString $v.runAsUser) "0") -}}
{{- fail (printf "%s.runAsUser: 0 (root) %s" $p $why) -}}
{{- end -}}
{{- range $i, $cap := (($v.capabilities).add) -}}
{{- if ne (toString $cap) "NET_BIND_SERVICE" -}}
{{- fail (printf "%s.capabilities.add[%d]: %s %s (only NET_BIND_SERVICE may be added)" $p $i $cap $why) -}}
{{- end -}}
{{- end -}}
{{- with (($v.seccompProfile).type) -}}
{{- if not (has . (list "RuntimeDefault" "Localhost")) -}}
{{- fail (printf "%s.seccompProfile.type: %s %s (RuntimeDefault or Localhost)" $p . $why) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
magento-common.validate.oneSource: fails when a secret is given both as a value and as an
existing Secret: which one the pods use would be a guess.
Usage: {{- include "magento-common.validate.oneSource" (dict "path" "magento.database" "value" "password" "values" .Values.magento.database) -}}
*/}}
{{- define "magento-common.validate.oneSource" -}}
{{- if and (get .values .value) .values.existingSecret -}}
{{- fail (printf "%s.%s and %s.existingSecret are both set: give the secret one source (existingSecret for production, so it never sits in the values)" .path .value .path) -}}
{{- end -}}
{{- end -}}

{{/*
magento-common.validate.metadataKeys: fails, naming `path` and the key, when a key of the map
`values` is not a qualified name as the API server wants for label, annotation and nodeSelector
keys: an optional DNS-subdomain prefix (up to 253 characters) and "/", then a name of up to 63
alphanumerics, '-', '_' or '.', starting and ending alphanumeric. (The schema cannot say it with
a useful message: Helm's JSON-schema library reports propertyNames failures at a wrong path.)
Usage: {{- include "magento-common.validate.metadataKeys" (dict "path" "podDefaults.podLabels" "values" .Values.podDefaults.podLabels) -}}
*/}}
{{- define "magento-common.validate.metadataKeys" -}}
{{- $path := .path -}}
{{- range $key, $_ := default (dict) .values -}}
{{- $prefix := "" -}}
{{- $name := $key -}}
{{- if contains "/" $key -}}
{{- $prefix = index (splitList "/" $key) 0 -}}
{{- $name = trimPrefix (printf "%s/" $prefix) $key -}}
{{- end -}}
{{- $okPrefix := or (eq $prefix "") (and (le (len $prefix) 253) (regexMatch "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$" $prefix)) -}}
{{- $okName := and (le (len $name) 63) (regexMatch "^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$" $name) -}}
{{- if not (and $okPrefix $okName) -}}
{{- fail (printf "%s: %q is not a valid key: an optional DNS-subdomain prefix and \"/\", then up to 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric (the API server would refuse the object)" $path $key) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
magento-common.validate.pods: the pod-level checks of a chart's values, naming the key: every
pod and container securityContext override against Pod Security "restricted"
(magento-common.validate.restricted) and every label, annotation and nodeSelector key
(magento-common.validate.metadataKeys), over podDefaults, commonLabels/commonAnnotations, each
component block in `blocks` (its podSecurityContext, containerSecurityContext when it has one,
podLabels, podAnnotations, nodeSelector) and the container securityContexts at the dotted
paths in `containers`.
Usage: {{- include "magento-common.validate.pods" (dict "values" .Values "blocks" (list "redis" "opensearch") "containers" (list)) -}}
*/}}
{{- define "magento-common.validate.pods" -}}
{{- $v := .values -}}
{{- $contexts := dict -}}
{{- $maps := dict "commonLabels" $v.commonLabels "commonAnnotations" $v.commonAnnotations -}}
{{- range $block := prepend .blocks "podDefaults" -}}
{{- $b := index $v $block -}}
{{- range $key := list "podSecurityContext" "containerSecurityContext" -}}
{{- if hasKey $b $key -}}{{- $_ := set $contexts (printf "%s.%s" $block $key) (get $b $key) -}}{{- end -}}
{{- end -}}
{{- range $key := list "podLabels" "podAnnotations" "nodeSelector" -}}
{{- $_ := set $maps (printf "%s.%s" $block $key) (get $b $key) -}}
{{- end -}}
{{- end -}}
{{- range $path := .containers -}}
{{- $node := $v -}}
{{- range splitList "." $path -}}{{- $node = get (default (dict) $node) . -}}{{- end -}}
{{- $_ := set $contexts $path $node -}}
{{- end -}}
{{- range $path := keys $contexts | sortAlpha -}}
{{- include "magento-common.validate.restricted" (dict "path" $path "values" (get $contexts $path)) -}}
{{- end -}}
{{- range $path := keys $maps | sortAlpha -}}
{{- include "magento-common.validate.metadataKeys" (dict "path" $path "values" (get $maps $path)) -}}
{{- end -}}
{{- end -}}
