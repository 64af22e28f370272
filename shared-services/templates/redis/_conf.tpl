{{/*
shared.redis.conf: the redis.conf of one instance (an entry of shared.redis.instances): no protected mode (NetworkPolicy and
requirepass guard it), its databases and memory limit (shared.redis.maxmemory) with its eviction
policy, and an append-only file only when it persists to its volume.
Usage: {{ include "shared.redis.conf" (dict "context" $ "instance" $inst) }}
*/}}
{{- define "shared.redis.conf" -}}
{{- $ctx := .context -}}
{{- $r := $ctx.Values.redis -}}
{{- $inst := .instance -}}
{{- $persistent := $inst.persistence.enabled | default false -}}
{{- printf `# Rendered by the shared-services chart: instance %q (%s).
bind * -::*
protected-mode no
port 6379
daemonize no
logfile ""
dir /data
databases %d
maxmemory %dmb
maxmemory-policy %s
lazyfree-lazy-eviction yes
tcp-keepalive 60
timeout 0
save ""
appendonly %s
appendfsync everysec
` $inst.name (ternary "persisted to its volume" "in memory only" $persistent) (int $r.databases) (include "shared.redis.maxmemory" (dict "context" $ctx "instance" $inst) | int) $inst.maxmemoryPolicy (ternary "yes" "no" $persistent) -}}
{{- end -}}
