{{/*
The checks of the values every store chart shares (web, podDefaults, image, metrics, autoscaling).
*/}}

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
