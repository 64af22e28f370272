{{/*
app/etc/local.xml: the file, the app/etc data around it and the checksums that roll pods when it changes.
*/}}

{{/*
magento1.localXml: app/etc/local.xml as a template (files/local.xml): the values rendered in, the
secrets as ${NAME} placeholders that files/local-xml.php fills from the container's environment.
With "hook" true the hosts are the ExternalName Services' targets.
Usage: {{ include "magento1.localXml" (dict "context" $ "hook" false) }}
*/}}
{{- define "magento1.localXml" -}}
{{- $ctx := .context -}}
{{- $m := $ctx.Values.magento -}}
{{- $r := $m.redis -}}
{{- $redis := dict "enabled" $r.enabled -}}
{{- if $r.enabled -}}
{{- $_ := set $redis "cacheHost" (include "magento1.redisHost" (dict "context" $ctx "which" "cache" "hook" .hook)) -}}
{{- $_ := set $redis "sessionHost" (include "magento1.redisHost" (dict "context" $ctx "which" "sessions" "hook" .hook)) -}}
{{- $ownSessions := or $r.sessionHost (and (not $r.host) $ctx.Values.externalServices.redisSessions.enabled) -}}
{{- $_ := set $redis "sessionPort" (ternary $r.sessionPort $r.port (not (not $ownSessions))) -}}
{{- end -}}
{{- tpl ($ctx.Files.Get "files/local.xml") (merge (dict "m" $m "redis" $redis "idPrefix" (default (include "magento1.storeId" $ctx) $r.idPrefix)) $ctx) -}}
{{- end -}}

{{/*
magento1.appEtc.data: the data of the app-etc ConfigMap (and of the setup hook's copy): local.xml's
template, the php.ini of every PHP process, the local.xml renderer, the health check and the setup
Job's programs.
Usage: data: {{- include "magento1.appEtc.data" (dict "context" $ "hook" false) | nindent 2 }}
*/}}
{{- define "magento1.appEtc.data" -}}
{{- $ctx := .context -}}
local.xml: |
  {{- include "magento1.localXml" . | nindent 2 }}
php.ini: |
  {{- include "magento-common.php.ini" $ctx | nindent 2 }}
{{- range $file := list "local-xml.php" "health_check.php" "setup.php" "setup.sh" "cron.sh" }}
{{ $file }}: |
  {{- $ctx.Files.Get (printf "files/%s" $file) | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
magento1.checksums: the checksum/* pod annotations of every OpenMage pod: a change to the
environment, its Secret or local.xml rolls the pods.
Usage: {{ $checksums := include "magento1.checksums" $ | fromJson }}
*/}}
{{- define "magento1.checksums" -}}
{{- $out := dict -}}
{{- range $name, $template := dict "env" "/config/env-configmap.yaml" "env-secret" "/config/env-secret.yaml" "app-etc" "/config/app-etc-configmap.yaml" -}}
{{- $_ := set $out (printf "checksum/%s" $name) (include "magento-common.pod.checksum" (dict "context" $ "template" $template)) -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{/*
magento1.appEtcDir: where the chart's app-etc ConfigMap (local.xml template, programs) is mounted.
*/}}
{{- define "magento1.appEtcDir" -}}
/etc/magento/openmage
{{- end -}}
