{{/*
shared.opensearch.config: opensearch.yml of the OpenSearch cluster: the cluster name, discovery
(single-node for one replica, otherwise the headless Service and every node's name as the initial
cluster managers), no mmap and no security plugin; opensearch.extraConfig wins over them.
Usage: {{ include "shared.opensearch.config" $ }}
*/}}
{{- define "shared.opensearch.config" -}}
{{- $o := .Values.opensearch -}}
{{- $name := include "shared.name" (dict "context" . "component" "opensearch") -}}
{{- $headless := printf "%s-headless" $name -}}
{{- $replicas := int $o.replicas -}}
{{- $settings := dict
  "cluster.name" $o.clusterName
  "network.host" "0.0.0.0"
  "path.data" "/usr/share/opensearch/data"
  "path.logs" "/usr/share/opensearch/logs"
  "node.store.allow_mmap" false
  "plugins.security.disabled" true -}}
{{- if eq $replicas 1 -}}
{{- $_ := set $settings "discovery.type" "single-node" -}}
{{- else -}}
{{- $_ := set $settings "discovery.seed_hosts" (list $headless) -}}
{{- $nodes := list -}}
{{- range $n := until $replicas -}}
{{- $nodes = append $nodes (printf "%s-%d" $name $n) -}}
{{- end -}}
{{- $_ := set $settings "cluster.initial_cluster_manager_nodes" $nodes -}}
{{- end -}}
{{- toYaml (merge (deepCopy $o.extraConfig) $settings) -}}
{{- end -}}
