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

{{/*
magento-common.validate.web: the checks of the values every store chart shares that the schema
cannot express (renders nothing): the drain fits the grace period, the rollout can start, the
autoscaler has a metric, shared volumes are ReadWriteMany for several pods, the exposure options
agree, the web pod's ports are distinct, and every cron.jobs name is used once.
Usage: {{- include "magento-common.validate.web" . -}}
*/}}
{{- define "magento-common.validate.web" -}}
{{- $v := .Values -}}
{{- /* Rollout and drain: php-fpm must outlive nginx's drain inside the grace period. */ -}}
{{- $drain := include "magento-common.web.drainSeconds" . | int -}}
{{- include "magento-common.validate.that" (dict "condition" (gt (int $v.web.terminationGracePeriodSeconds) (add $drain 15)) "path" "web.terminationGracePeriodSeconds" "message" (printf "%d is too short: it must exceed the drain (%ds: web.drainSeconds, or gke.negDrainSeconds behind a GCE load balancer) + 15 so php-fpm finishes the requests nginx drains" (int $v.web.terminationGracePeriodSeconds) $drain)) -}}
{{- if and (include "magento-common.web.gce" .) $v.gke.backendConfig.enabled -}}
{{- include "magento-common.validate.that" (dict "condition" (lt (int $v.gke.backendConfig.drainingTimeoutSec) $drain) "path" "gke.backendConfig.drainingTimeoutSec" "message" (printf "%d must be shorter than the pods' drain (%ds, gke.negDrainSeconds): the load balancer would still drain connections to a pod that has stopped" (int $v.gke.backendConfig.drainingTimeoutSec) $drain)) -}}
{{- end -}}
{{- if and (not $v.autoscaling.enabled) (eq (toString $v.web.updateStrategy.maxUnavailable) "0") (eq (toString $v.web.updateStrategy.maxSurge) "0") -}}
{{- fail "web.updateStrategy.maxSurge and web.updateStrategy.maxUnavailable cannot both be 0: the rollout could never start" -}}
{{- end -}}
{{- if $v.autoscaling.enabled -}}
{{- include "magento-common.validate.that" (dict "condition" (le (int $v.autoscaling.minReplicas) (int $v.autoscaling.maxReplicas)) "path" "autoscaling.minReplicas" "message" (printf "%d is more than autoscaling.maxReplicas %d" (int $v.autoscaling.minReplicas) (int $v.autoscaling.maxReplicas))) -}}
{{- include "magento-common.validate.that" (dict "condition" (or $v.autoscaling.targetCPUUtilizationPercentage $v.autoscaling.targetMemoryUtilizationPercentage $v.autoscaling.metrics) "path" "autoscaling.metrics" "message" "the autoscaler needs a metric: set autoscaling.targetCPUUtilizationPercentage, autoscaling.targetMemoryUtilizationPercentage or autoscaling.metrics") -}}
{{- $cpu := ((($v.web.php.resources).requests).cpu) -}}
{{- include "magento-common.validate.that" (dict "condition" (or (not $v.autoscaling.targetCPUUtilizationPercentage) $cpu) "path" "web.php.resources.requests.cpu" "message" "is required with autoscaling.targetCPUUtilizationPercentage: utilisation is measured against the requests") -}}
{{- end -}}
{{- /* Shared data: several pods on a volume that only one node can mount breaks scaling and rollouts. */ -}}
{{- $multi := or $v.autoscaling.enabled (gt (int $v.web.replicaCount) 1) -}}
{{- range $key := list "media" "var" -}}
{{- $p := index $v.persistence $key -}}
{{- if and $p.enabled (not $p.existingClaim) $multi (not (has "ReadWriteMany" $p.accessModes)) -}}
{{- fail (printf "persistence.%s.accessModes must include ReadWriteMany: several web pods (web.replicaCount > 1 or autoscaling) share %s across nodes; use an RWX class (NFS, Filestore) or persistence.%s.existingClaim" $key $key $key) -}}
{{- end -}}
{{- end -}}
{{- /* Exposure */ -}}
{{- if $v.ingress.enabled -}}
{{- include "magento-common.validate.that" (dict "condition" (gt (len $v.ingress.hosts) 0) "path" "ingress.hosts" "message" "needs at least one host when ingress.enabled is true") -}}
{{- end -}}
{{- if and $v.ingress.certManager.enabled (not (and $v.ingress.enabled $v.ingress.tls.enabled)) -}}
{{- fail "ingress.certManager.enabled needs ingress.enabled and ingress.tls.enabled: the certificate is for the Ingress's TLS" -}}
{{- end -}}
{{- if and $v.gke.managedCertificate.enabled $v.ingress.certManager.enabled -}}
{{- fail "gke.managedCertificate.enabled and ingress.certManager.enabled both issue the certificate: choose one" -}}
{{- end -}}
{{- range $key := list "managedCertificate" "frontendConfig" -}}
{{- if and (index $v.gke $key).enabled (not (and $v.ingress.enabled (has $v.ingress.className (list "gce" "gce-internal")))) -}}
{{- fail (printf "gke.%s.enabled needs ingress.enabled with ingress.className \"gce\" or \"gce-internal\" (it is %q)" $key $v.ingress.className) -}}
{{- end -}}
{{- end -}}
{{- if and $v.gke.staticIpName (not $v.ingress.enabled) -}}
{{- fail "gke.staticIpName needs ingress.enabled: the address is given to the Ingress" -}}
{{- end -}}
{{- if and (eq $v.web.codeSharing "image-volume") (semverCompare "<1.33.0-0" .Capabilities.KubeVersion.Version) -}}
{{- fail (printf "web.codeSharing \"image-volume\" needs Kubernetes 1.33 or later with the ImageVolume feature (this cluster is %s); use \"copy\" or \"app-image\"" .Capabilities.KubeVersion.Version) -}}
{{- end -}}
{{- $ports := dict "web.nginx.port" $v.web.nginx.port "web.nginx.healthPort" $v.web.nginx.healthPort -}}
{{- if $v.metrics.enabled -}}
{{- $_ := set $ports "metrics.phpFpm.port" $v.metrics.phpFpm.port -}}
{{- $_ := set $ports "metrics.nginx.port" $v.metrics.nginx.port -}}
{{- end -}}
{{- include "magento-common.validate.distinct" (dict "what" "the web pod's containers share one network namespace: each port can be used once" "values" $ports) -}}
{{- range $i, $j := $v.cron.jobs -}}
{{- range $k, $other := $v.cron.jobs -}}
{{- if and (lt $i $k) (eq $j.name $other.name) -}}
{{- fail (printf "cron.jobs[%d].name %q is used twice (also cron.jobs[%d]): every CronJob needs its own name" $k $j.name $i) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
