{{/*
The crypt key: where it comes from and the value the chart keeps.
*/}}

{{/*
magento2.cryptKey.secretName: the Secret that holds the crypt key and its key in it, as
"name:key": magento.cryptKey.existingSecret, else the chart's "<fullname>-crypt-key".
Usage: {{ include "magento2.cryptKey.ref" $ }}
*/}}
{{- define "magento2.cryptKey.ref" -}}
{{- $c := .Values.magento.cryptKey -}}
{{- if $c.existingSecret -}}
{{- printf "%s:%s" $c.existingSecret $c.existingSecretKey -}}
{{- else -}}
{{- printf "%s:crypt-key" (include "magento2.name" (dict "context" . "component" "crypt-key")) -}}
{{- end -}}
{{- end -}}

{{/*
magento2.cryptKey.value: the crypt key the chart stores when no existingSecret is given
(magento-common.secrets.kept over magento.cryptKey and the "<fullname>-crypt-key" Secret):
magento.cryptKey.value, else the stored key, else a new one; a value that differs from the stored
key is refused.
Usage: {{ include "magento2.cryptKey.value" $ }}
*/}}
{{- define "magento2.cryptKey.value" -}}
{{- $name := include "magento2.name" (dict "context" . "component" "crypt-key") -}}
{{- include "magento-common.secrets.kept" (dict "context" . "block" .Values.magento.cryptKey "secret" $name "key" "crypt-key" "length" 32 "path" "magento.cryptKey.value" "rotate" "bin/magento encryption:key:change") -}}
{{- end -}}
