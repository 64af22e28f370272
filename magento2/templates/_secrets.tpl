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
magento2.cryptKey.value: the crypt key the chart stores when no existingSecret is given:
magento.cryptKey.value; else the key already in the cluster's "<fullname>-crypt-key" Secret; else
a new random key. The result is remembered for the rest of the render, so the Secret and the
upgrade hook's copy always agree. A value that differs from the stored key is refused: changing the
key makes encrypted data unreadable.
Usage: {{ include "magento2.cryptKey.value" $ }}
*/}}
{{- define "magento2.cryptKey.value" -}}
{{- $c := .Values.magento.cryptKey -}}
{{- if not (hasKey $c "_resolved") -}}
{{- $name := include "magento2.name" (dict "context" . "component" "crypt-key") -}}
{{- $stored := "" -}}
{{- with (lookup "v1" "Secret" .Release.Namespace $name) -}}
{{- $stored = index (default (dict) .data) "crypt-key" | default "" | b64dec -}}
{{- end -}}
{{- if and $c.value $stored (ne $c.value $stored) -}}
{{- fail (printf "magento.cryptKey.value differs from the key already stored in Secret %s: changing the crypt key makes encrypted data unreadable. Rotate it with bin/magento encryption:key:change instead, or leave magento.cryptKey.value empty to keep the stored key" $name) -}}
{{- end -}}
{{- $_ := set $c "_generated" (not (or $c.value $stored)) -}}
{{- $_ := set $c "_resolved" (coalesce $c.value $stored (randAlphaNum 32)) -}}
{{- end -}}
{{- get $c "_resolved" -}}
{{- end -}}
