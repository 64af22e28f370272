package podrun

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
)

func TestExpand(t *testing.T) {
	t.Parallel()
	env := map[string]string{"A": "1", "B_C": "two"}
	for _, tc := range []struct{ in, want string }{
		{"$(A)", "1"},
		{"x-$(B_C)-y", "x-two-y"},
		{"$(UNKNOWN)", "$(UNKNOWN)"},
		{"$$(A)", "$(A)"},
		{"$(dirname x)", "$(dirname x)"},
		{"plain", "plain"},
	} {
		assert.Equal(t, tc.want, expand([]string{tc.in}, env)[0], tc.in)
	}
}

func TestShq(t *testing.T) {
	t.Parallel()
	assert.Equal(t, `'a b'`, shq("a b"))
	assert.Equal(t, `'it'\''s'`, shq("it's"))
}

func TestPrivileges(t *testing.T) {
	t.Parallel()
	uid, gid, fsGroup, no := int64(33), int64(34), int64(35), false
	p := &Pod{Spec: corev1.PodSpec{SecurityContext: &corev1.PodSecurityContext{RunAsUser: &uid, RunAsGroup: &gid, FSGroup: &fsGroup}}}
	c := corev1.Container{SecurityContext: &corev1.SecurityContext{
		AllowPrivilegeEscalation: &no,
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
	}}
	assert.Equal(t, []string{"setpriv", "--reuid=33", "--regid=34", "--groups=35", "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all"}, p.privileges(c))

	root := &Pod{Spec: corev1.PodSpec{}}
	yes := true
	priv := corev1.Container{SecurityContext: &corev1.SecurityContext{AllowPrivilegeEscalation: &yes}}
	assert.Equal(t, []string{"setpriv", "--reuid=0", "--regid=0", "--clear-groups"}, root.privileges(priv))
}

func TestEnv(t *testing.T) {
	t.Parallel()
	yes := true
	p := &Pod{opts: Options{
		ConfigMaps: map[string]map[string]string{"cm": {"FROM_CM": "a", "KEY": "b"}},
		Secrets:    map[string]map[string][]byte{"s": {"pw": []byte("secret")}},
	}}
	c := corev1.Container{
		EnvFrom: []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cm"}}}},
		Env: []corev1.EnvVar{
			{Name: "PLAIN", Value: "x-$(FROM_CM)"},
			{Name: "PW", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "s"}, Key: "pw"}}},
			{Name: "OPTIONAL", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "s"}, Key: "absent", Optional: &yes}}},
		},
	}
	env, err := p.env(c)
	require.NoError(t, err)
	assert.Equal(t, "a", env["FROM_CM"])
	assert.Equal(t, "x-a", env["PLAIN"])
	assert.Equal(t, "secret", env["PW"])
	assert.NotContains(t, env, "OPTIONAL", "an optional key that does not exist is left out, as the kubelet does")
	assert.True(t, strings.HasPrefix(env["PATH"], programDir+":"))

	// A Secret nobody declared is an error, never a made-up value: the kubelet would not start
	// the container either.
	c.Env = append(c.Env, corev1.EnvVar{Name: "MISSING", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "user-secret"}, Key: "k"}}})
	_, err = p.env(c)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "key k of Secret user-secret")
}

func TestScriptMounts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	yes := true
	p := &Pod{volumes: map[string]string{"code": dir, "media": dir}}
	c := corev1.Container{
		Name: "nginx",
		VolumeMounts: []corev1.VolumeMount{
			{Name: "media", MountPath: "/app/pub/media"},
			{Name: "code", MountPath: "/app/pub", ReadOnly: true},
		},
		SecurityContext: &corev1.SecurityContext{ReadOnlyRootFilesystem: &yes},
	}
	script, err := p.script("/root-x", c)
	require.NoError(t, err)
	code := strings.Index(script, "mount --bind '"+dir+"' '/root-x/app/pub'\n")
	media := strings.Index(script, "mount --bind '"+dir+"' '/root-x/app/pub/media'\n")
	require.True(t, code >= 0 && media >= 0, script)
	assert.Less(t, code, media, "a parent mount comes before the mounts inside it")
	assert.Contains(t, script, "mount -o remount,bind,ro '/root-x/app/pub'\n")
	assert.NotContains(t, script, "mount -o remount,bind,ro '/root-x/app/pub/media'\n")
	assert.Contains(t, script, "mount -o remount,bind,ro '/root-x'\n", "read-only root file system")

	c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: "nope", MountPath: "/x"})
	_, err = p.script("/root-x", c)
	assert.ErrorContains(t, err, `volume "nope"`)
}
