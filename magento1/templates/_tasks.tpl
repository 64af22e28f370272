{{/*
The pods that run one OpenMage task to completion (cron, setup).
*/}}

{{/*
magento1.maintenanceFlag: the file whose presence holds the store in maintenance: on the shared
media volume, so the setup Job's flag reaches every web pod's nginx (503 but to
magento.maintenanceAllowIps) and every cron pod; nginx never serves it (dot-file).
Usage: {{ include "magento1.maintenanceFlag" $ }}
*/}}
{{- define "magento1.maintenanceFlag" -}}
{{- printf "%s/media/.maintenance.flag" .Values.podDefaults.documentRoot -}}
{{- end -}}

{{/*
magento1.task.podTemplate: the pod template of an OpenMage task: local.xml written by the init
container, then `command` (after tini) in the app image with the store's environment and volumes.
With "hook" true the setup hook's copies of the configuration are used.
Usage: {{ include "magento1.task.podTemplate" (dict "context" $ "component" "cron-default" "values" .Values.cron "name" "cron" "command" $cmd "env" $env "annotations" $checksums "hook" false) }}
*/}}
{{- define "magento1.task.podTemplate" -}}
{{- $ctx := .context -}}
{{- $hook := default false .hook -}}
metadata:
  {{- include "magento-common.pod.metadata" (dict "context" $ctx "component" .component "values" .values "annotations" .annotations) | nindent 2 }}
spec:
  restartPolicy: Never
  {{- $sa := default (include "magento-common.names.serviceAccount" $ctx) .serviceAccountName }}
  {{- include "magento-common.pod.spec" (dict "context" $ctx "component" .component "values" .values "spread" false "serviceAccountName" $sa) | nindent 2 }}
  terminationGracePeriodSeconds: 30
  initContainers:
    {{- include "magento1.container.localXml" (dict "context" $ctx "hook" $hook "env" .initEnv) | nindent 4 }}
  containers:
    {{- include "magento1.container.openmage" (dict "context" $ctx "name" .name "command" .command "values" .values "hook" $hook "env" .env) | nindent 4 }}
  volumes:
    {{- include "magento1.volumes.data" (dict "context" $ctx "hook" $hook) | nindent 4 }}
    {{- with .values.extraVolumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end -}}
