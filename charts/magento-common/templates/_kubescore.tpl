{{/*
magento-common.kubeScore.reasons: the kube-score checks the charts' pods deliberately do not meet,
and why (listed in the README too):
- container-image-pull-policy: IfNotPresent with immutable tags; Always would make every pod start
  wait on the registry, which slows the scale-up of a flash sale and stops it when the registry is
  down.
- container-security-context-user-group-id: the images' own users run the pods (www-data, UID/GID
  33 in the image contract; Redis' and OpenSearch's image users), owning nothing they write; the
  root file system is read-only. Set podSecurityContext to choose another.
- container-resources: no CPU limit, on purpose: CFS throttling adds latency to PHP under load; CPU
  requests drive scheduling and the autoscaler; memory and ephemeral-storage requests and limits
  are set everywhere (kube-score's ignore of this check implies container-ephemeral-storage-request-
  and-limit, so the render tier's best-practice check requires them itself).
- pod-networkpolicy: only when networkPolicy.enabled is false: NetworkPolicies need a network plugin
  that enforces them, so they are opt-in.
- pod-probes: the queue consumers' Deployments: no Service sends them traffic, so a readiness probe
  has nothing to decide; their loop restarts the consumer.
Usage: {{ $reasons := include "magento-common.kubeScore.reasons" . | fromYaml }}
*/}}
{{- define "magento-common.kubeScore.reasons" -}}
container-image-pull-policy: IfNotPresent with immutable tags, as Always makes every pod start wait on the registry
container-security-context-user-group-id: the images' own non-root users, owning nothing they write
container-resources: no CPU limit, on purpose (throttling adds latency), memory and ephemeral-storage limits are set
pod-networkpolicy: networkPolicy.enabled is false (NetworkPolicies are opt-in)
pod-probes: no Service sends this pod traffic
{{- end -}}

{{/*
magento-common.kubeScore.annotations: the pod template annotations that record a pod's deliberate
kube-score exceptions: "kube-score/ignore" (the check IDs, which kube-score reads) and
"kube-score.magento-k8s.io/reasons" (why: one "check-id: reason" line per check). Every pod gets the first three of
magento-common.kubeScore.reasons, pod-networkpolicy while the release's networkPolicy.enabled is
false, and the `extra` check IDs.
Usage: {{ $annotations := include "magento-common.kubeScore.annotations" (dict "context" $ "extra" (list "pod-probes")) | fromYaml }}
*/}}
{{- define "magento-common.kubeScore.annotations" -}}
{{- $reasons := include "magento-common.kubeScore.reasons" . | fromYaml -}}
{{- $checks := list "container-image-pull-policy" "container-security-context-user-group-id" "container-resources" -}}
{{- if not ((.context.Values.networkPolicy).enabled) -}}
{{- $checks = append $checks "pod-networkpolicy" -}}
{{- end -}}
{{- $checks = concat $checks (default list .extra) -}}
{{- $why := list -}}
{{- range $checks -}}
{{- $why = append $why (printf "%s: %s" . (required (printf "no reason for kube-score check %s" .) (get $reasons .))) -}}
{{- end -}}
kube-score/ignore: {{ join "," $checks | quote }}
kube-score.magento-k8s.io/reasons: {{ join "\n" $why | quote }}
{{- end -}}
