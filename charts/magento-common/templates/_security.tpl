{{/*
magento-common.security.podSecurityContext: a pod securityContext that passes Pod Security
"restricted" (non-root, RuntimeDefault seccomp), with the component's overrides merged on top.
Usage: {{- include "magento-common.security.podSecurityContext" .Values.web.podSecurityContext | nindent 6 }}
*/}}
{{- define "magento-common.security.podSecurityContext" -}}
{{- $defaults := dict "runAsNonRoot" true "seccompProfile" (dict "type" "RuntimeDefault") -}}
{{- toYaml (mergeOverwrite $defaults (deepCopy (default (dict) .))) -}}
{{- end -}}

{{/*
magento-common.security.containerSecurityContext: a container securityContext that passes Pod
Security "restricted": no privilege escalation, all capabilities dropped, read-only root file
system, RuntimeDefault seccomp; the component's overrides are merged on top.
Usage: {{- include "magento-common.security.containerSecurityContext" .Values.web.containerSecurityContext | nindent 10 }}
*/}}
{{- define "magento-common.security.containerSecurityContext" -}}
{{- $defaults := dict "allowPrivilegeEscalation" false "readOnlyRootFilesystem" true "runAsNonRoot" true "privileged" false "capabilities" (dict "drop" (list "ALL")) "seccompProfile" (dict "type" "RuntimeDefault") -}}
{{- toYaml (mergeOverwrite $defaults (deepCopy (default (dict) .))) -}}
{{- end -}}
