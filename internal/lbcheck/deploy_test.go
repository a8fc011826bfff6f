package lbcheck

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The Kubernetes example (deploy/k8s) is checked without a cluster:
// `kubectl apply --dry-run=client` needs an API server even in client
// mode (for the kinds' REST mapping and the OpenAPI schema), so instead
// `kubectl label --local` parses the manifests offline and prints them as
// JSON, which the test decodes strictly into the subset of the Kubernetes
// types below, so that a misspelt or misplaced field fails, then checks
// what kutip needs: probes on /healthz at the HEALTH_ADDR port, the
// Service reaching the interactions port, no token in the replicas.

type object struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name   string            `json:"name"`
		Labels map[string]string `json:"labels"`
	} `json:"metadata"`
	Spec json.RawMessage `json:"spec"`
}

type deploymentSpec struct {
	Replicas int `json:"replicas"`
	Selector struct {
		MatchLabels map[string]string `json:"matchLabels"`
	} `json:"selector"`
	Strategy *struct {
		Type string `json:"type"`
	} `json:"strategy"`
	Template struct {
		Metadata struct {
			Labels map[string]string `json:"labels"`
		} `json:"metadata"`
		Spec podSpec `json:"spec"`
	} `json:"template"`
}

type podSpec struct {
	TerminationGracePeriodSeconds int `json:"terminationGracePeriodSeconds"`
	SecurityContext               struct {
		RunAsNonRoot   bool `json:"runAsNonRoot"`
		RunAsUser      int  `json:"runAsUser"`
		RunAsGroup     int  `json:"runAsGroup"`
		FSGroup        int  `json:"fsGroup"`
		SeccompProfile struct {
			Type string `json:"type"`
		} `json:"seccompProfile"`
	} `json:"securityContext"`
	InitContainers []container `json:"initContainers"`
	Containers     []container `json:"containers"`
	Volumes        []struct {
		Name     string `json:"name"`
		EmptyDir *struct {
			Medium    string `json:"medium"`
			SizeLimit string `json:"sizeLimit"`
		} `json:"emptyDir"`
		PersistentVolumeClaim *struct {
			ClaimName string `json:"claimName"`
		} `json:"persistentVolumeClaim"`
	} `json:"volumes"`
}

type container struct {
	Name  string   `json:"name"`
	Image string   `json:"image"`
	Args  []string `json:"args"`
	Ports []struct {
		Name          string `json:"name"`
		ContainerPort int    `json:"containerPort"`
	} `json:"ports"`
	Env []struct {
		Name      string `json:"name"`
		Value     string `json:"value"`
		ValueFrom *struct {
			SecretKeyRef struct {
				Name string `json:"name"`
				Key  string `json:"key"`
			} `json:"secretKeyRef"`
		} `json:"valueFrom"`
	} `json:"env"`
	ReadinessProbe *probe `json:"readinessProbe"`
	LivenessProbe  *probe `json:"livenessProbe"`
	Resources      struct {
		Requests map[string]string `json:"requests"`
		Limits   map[string]string `json:"limits"`
	} `json:"resources"`
	VolumeMounts []struct {
		Name      string `json:"name"`
		MountPath string `json:"mountPath"`
		ReadOnly  bool   `json:"readOnly"`
	} `json:"volumeMounts"`
	SecurityContext struct {
		AllowPrivilegeEscalation *bool `json:"allowPrivilegeEscalation"`
		ReadOnlyRootFilesystem   bool  `json:"readOnlyRootFilesystem"`
		Capabilities             struct {
			Drop []string `json:"drop"`
		} `json:"capabilities"`
	} `json:"securityContext"`
}

type probe struct {
	HTTPGet struct {
		Path string `json:"path"`
		Port any    `json:"port"` // a number or a port's name
	} `json:"httpGet"`
	InitialDelaySeconds int `json:"initialDelaySeconds"`
	PeriodSeconds       int `json:"periodSeconds"`
	FailureThreshold    int `json:"failureThreshold"`
}

type serviceSpec struct {
	Selector map[string]string `json:"selector"`
	Ports    []struct {
		Name       string `json:"name"`
		Port       int    `json:"port"`
		TargetPort any    `json:"targetPort"`
	} `json:"ports"`
}

type pvcSpec struct {
	AccessModes []string `json:"accessModes"`
	Resources   struct {
		Requests map[string]string `json:"requests"`
	} `json:"resources"`
}

type pdbSpec struct {
	MinAvailable int `json:"minAvailable"`
	Selector     struct {
		MatchLabels map[string]string `json:"matchLabels"`
	} `json:"selector"`
}

func strict(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// manifests parses deploy/k8s with kubectl, offline.
func manifests(t *testing.T) []object {
	t.Helper()
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("no kubectl to parse deploy/k8s: apt-get install kubernetes-client (scripts/lb-check.sh does)")
	}
	out, err := exec.Command(kubectl, "label", "--local", "-f", "../../deploy/k8s/", "-o", "json", "lbcheck=parsed").CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl cannot parse deploy/k8s: %v\n%s", err, out)
	}
	var objs []object
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var raw json.RawMessage
		if err := dec.Decode(&raw); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("kubectl output: %v", err)
		}
		// kubectl prints a List when given several objects at once.
		var list struct {
			Kind  string            `json:"kind"`
			Items []json.RawMessage `json:"items"`
		}
		items := []json.RawMessage{raw}
		if json.Unmarshal(raw, &list) == nil && list.Kind == "List" {
			items = list.Items
		}
		for _, it := range items {
			var o object
			if err := strict(it, &o); err != nil {
				t.Fatalf("manifest %.100s: %v", it, err)
			}
			objs = append(objs, o)
		}
	}
	return objs
}

func env(c container, name string) (string, bool) {
	for _, e := range c.Env {
		if e.Name == name {
			return e.Value, true
		}
	}
	return "", false
}

// portOf resolves a probe's or Service's port (a number or a name) to a
// container port number, 0 when the container has no such port.
func portOf(c container, p any) int {
	for _, cp := range c.Ports {
		switch v := p.(type) {
		case string:
			if cp.Name == v {
				return cp.ContainerPort
			}
		case float64:
			if cp.ContainerPort == int(v) {
				return cp.ContainerPort
			}
		}
	}
	return 0
}

func addrPort(addr string) string {
	_, port, _ := net.SplitHostPort(addr)
	return port
}

func TestKubernetesManifests(t *testing.T) {
	objs := manifests(t)
	var kinds []string
	deployments := map[string]deploymentSpec{}
	var svc serviceSpec
	var claims []string
	for _, o := range objs {
		kinds = append(kinds, o.Kind+"/"+o.Metadata.Name)
		var err error
		switch o.APIVersion + " " + o.Kind {
		case "apps/v1 Deployment":
			var d deploymentSpec
			err = strict(o.Spec, &d)
			deployments[o.Metadata.Name] = d
		case "v1 Service":
			err = strict(o.Spec, &svc)
		case "policy/v1 PodDisruptionBudget":
			var p pdbSpec
			err = strict(o.Spec, &p)
		case "v1 PersistentVolumeClaim":
			var p pvcSpec
			err = strict(o.Spec, &p)
			claims = append(claims, o.Metadata.Name)
		default:
			t.Errorf("unexpected %s %s", o.APIVersion, o.Kind)
		}
		if err != nil {
			t.Errorf("%s %s: %v", o.Kind, o.Metadata.Name, err)
		}
	}
	want := []string{"Deployment/kutip-gateway", "Deployment/kutip-http", "PersistentVolumeClaim/kutip-feedback", "PodDisruptionBudget/kutip-http", "Service/kutip-http"}
	slices.Sort(kinds)
	if !slices.Equal(kinds, want) {
		t.Fatalf("objects %v, want %v", kinds, want)
	}

	for name, d := range deployments {
		for k, v := range d.Selector.MatchLabels {
			if d.Template.Metadata.Labels[k] != v {
				t.Errorf("%s: selector %s=%s does not match the pod labels %v", name, k, v, d.Template.Metadata.Labels)
			}
		}
		pod := d.Template.Spec
		if !pod.SecurityContext.RunAsNonRoot || pod.SecurityContext.RunAsUser != 65532 {
			t.Errorf("%s: pods must run as the image's nonroot user 65532", name)
		}
		if len(pod.Containers) != 1 {
			t.Fatalf("%s: %d containers, want 1", name, len(pod.Containers))
		}
		c := pod.Containers[0]
		health, _ := env(c, "HEALTH_ADDR")
		for what, p := range map[string]*probe{"readiness": c.ReadinessProbe, "liveness": c.LivenessProbe} {
			switch {
			case p == nil:
				t.Errorf("%s: no %s probe", name, what)
			case p.HTTPGet.Path != "/healthz":
				t.Errorf("%s: %s probe on %q, want /healthz", name, what, p.HTTPGet.Path)
			case addrPort(health) == "" || strconv.Itoa(portOf(c, p.HTTPGet.Port)) != addrPort(health):
				t.Errorf("%s: %s probe port %v is not HEALTH_ADDR %q's", name, what, p.HTTPGet.Port, health)
			}
		}
		if host, _, _ := net.SplitHostPort(health); host != "0.0.0.0" {
			t.Errorf("%s: HEALTH_ADDR %q: the kubelet probes the pod's IP, listen on 0.0.0.0", name, health)
		}
		// Every process writes the one feedback file, on the claim.
		feedbackFile, _ := env(c, "FEEDBACK_FILE")
		mounted := false
		for _, m := range c.VolumeMounts {
			for _, v := range pod.Volumes {
				if v.Name == m.Name && v.PersistentVolumeClaim != nil && slices.Contains(claims, v.PersistentVolumeClaim.ClaimName) &&
					strings.HasPrefix(feedbackFile, m.MountPath+"/") && !m.ReadOnly {
					mounted = true
				}
			}
		}
		if !mounted {
			t.Errorf("%s: FEEDBACK_FILE %q is not on the shared, writable kutip-feedback claim", name, feedbackFile)
		}
		if !c.SecurityContext.ReadOnlyRootFilesystem || !slices.Contains(c.SecurityContext.Capabilities.Drop, "ALL") {
			t.Errorf("%s: want a read-only root filesystem and every capability dropped", name)
		}
	}

	http, gw := deployments["kutip-http"], deployments["kutip-gateway"]
	if http.Replicas < 2 {
		t.Errorf("kutip-http: %d replicas, want several", http.Replicas)
	}
	hc := http.Template.Spec.Containers[0]
	if v, _ := env(hc, "GATEWAY"); v != "off" {
		t.Errorf("kutip-http: GATEWAY=%q, want off", v)
	}
	if _, ok := env(hc, "DISCORD_TOKEN"); ok {
		t.Error("kutip-http: the replicas get DISCORD_TOKEN; they need none")
	}
	if _, ok := env(hc, "DISCORD_PUBLIC_KEY"); !ok {
		t.Error("kutip-http: no DISCORD_PUBLIC_KEY")
	}
	ia, _ := env(hc, "INTERACTIONS_ADDR")
	for _, mount := range hc.VolumeMounts {
		if mount.MountPath == "/data" && !mount.ReadOnly {
			t.Error("kutip-http: the index at /data is mounted writable; the replicas only read it")
		}
	}
	if len(svc.Ports) != 1 || strconv.Itoa(portOf(hc, svc.Ports[0].TargetPort)) != addrPort(ia) {
		t.Errorf("Service kutip-http targets %v, want INTERACTIONS_ADDR %q's port", svc.Ports, ia)
	}
	for k, v := range svc.Selector {
		if http.Template.Metadata.Labels[k] != v {
			t.Errorf("Service selector %s=%s does not select the kutip-http pods", k, v)
		}
	}
	if gw.Replicas != 1 || gw.Strategy == nil || gw.Strategy.Type != "Recreate" {
		t.Errorf("kutip-gateway: %d replicas, strategy %+v; want exactly one, Recreate (never two gateway sessions)", gw.Replicas, gw.Strategy)
	}
	if v, ok := env(gw.Template.Spec.Containers[0], "GATEWAY"); ok && v == "off" {
		t.Error("kutip-gateway: GATEWAY=off")
	}
}

// TestComposeReplicas checks docker-compose.replicas.yml for what the
// scaled-out setup depends on (there is no compose here to parse it).
func TestComposeReplicas(t *testing.T) {
	b, err := os.ReadFile("../../docker-compose.replicas.yml")
	if err != nil {
		t.Fatal(err)
	}
	compose := string(b)
	for _, tc := range []struct{ what, pattern string }{
		{"HTTP-only replicas", `(?m)^  kutip-http:\n(?:    .*\n|\n)*?      GATEWAY: "off"`},
		{"several of them", `deploy:\n      replicas: [2-9]`},
		{"the index volume read-only by default", `kutip-index:/data:ro`},
		{"the index built once, before the replicas start", `condition: service_completed_successfully`},
		{"no token in the replicas", `(?m)^  kutip-http:\n(?:    .*\n|\n)*?      DISCORD_TOKEN: ""`},
		{"one feedback file for all", `(?m)^  kutip-http:\n(?:    .*\n|\n)*?      FEEDBACK_FILE: /feedback/feedback\.db`},
		{"on a writable shared volume", `\n    - kutip-feedback:/feedback\n`},
		{"one gateway process", `(?m)^  kutip-gateway:`},
		{"nginx with deploy/nginx.conf", `\./deploy/nginx\.conf:/etc/nginx/nginx\.conf:ro`},
		{"nginx on loopback only", `"127\.0\.0\.1:8080:8080"`},
	} {
		if !regexp.MustCompile(tc.pattern).MatchString(compose) {
			t.Errorf("docker-compose.replicas.yml lacks %s (%s)", tc.what, tc.pattern)
		}
	}
}
