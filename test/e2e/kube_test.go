package e2e

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/podunit/podunit/test/harness"
)

// kubeApp is a Deployment of two containers and an init container, with a
// ConfigMap (env, envFrom and a mounted file), a Secret (env, envFrom and
// files of mode 0400 mounted read-only), a claim and an
// emptyDir. The init container writes the emptyDir's file the main one
// checks, and the claim's file once, so a second play finds the first's
// (each round plays it with its own PLAY value: an emptied claim shows the
// second's). web and side end on SIGTERM, so kube down need not wait out
// their stop timeout.
const kubeApp = `apiVersion: v1
kind: ConfigMap
metadata: {name: app-config}
data:
  GREETING: hello-kube
  app.conf: mode=fast
---
apiVersion: v1
kind: Secret
metadata: {name: app-secret}
stringData: {PASSWORD: s3cret}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: app-data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  selector: {matchLabels: {app: app}}
  template:
    metadata: {labels: {app: app}}
    spec:
      initContainers:
      - name: prep
        image: bb
        command: [sh, -c, 'echo init >> /scratch/order; test -f /data/keep || echo gen-$PLAY > /data/keep']
        env: [{name: PLAY, value: "1"}]
        volumeMounts: [{name: scratch, mountPath: /scratch}, {name: data, mountPath: /data}]
      containers:
      - name: web
        image: bb
        command: [sh, -c]
        args: ['httpd -p 127.0.0.1:8080 -h /etc/app; echo "order=$(cat /scratch/order 2>&1 | tr "\n" ,) GREETING=$GREETING PASSWORD=$PASSWORD conf=$(cat /etc/app/app.conf) keep=$(cat /data/keep) pod=$POD one=$(cat /etc/one.conf) from=$CM_GREETING,$S_PASSWORD sec=$(cat /etc/sec/PASSWORD) $(stat -c %a /etc/sec/PASSWORD) $(touch /etc/sec/x 2>/dev/null && echo rw || echo ro)"; trap "exit 0" TERM; sleep 600 & wait']
        envFrom: [{configMapRef: {name: app-config}, prefix: CM_}, {secretRef: {name: app-secret}, prefix: S_}]
        env:
        - {name: GREETING, valueFrom: {configMapKeyRef: {name: app-config, key: GREETING}}}
        - {name: PASSWORD, valueFrom: {secretKeyRef: {name: app-secret, key: PASSWORD}}}
        - {name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
        resources: {limits: {memory: 64Mi}}
        volumeMounts:
        - {name: scratch, mountPath: /scratch, readOnly: true}
        - {name: config, mountPath: /etc/app}
        - {name: config, mountPath: /etc/one.conf, subPath: app.conf}
        - {name: data, mountPath: /data}
        - {name: sec, mountPath: /etc/sec, readOnly: true}
      - name: side
        image: bb
        args: [sh, -c, 'trap "exit 0" TERM; sleep 600 & wait']
        securityContext: {readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
        livenessProbe: {tcpSocket: {port: 8080}, periodSeconds: 1}
      volumes:
      - {name: config, configMap: {name: app-config}}
      - {name: data, persistentVolumeClaim: {claimName: app-data}}
      - {name: scratch, emptyDir: {}}
      - {name: sec, secret: {secretName: app-secret, defaultMode: 0400}}
`

// TestKube plays a Deployment under the harness's systemd, takes it down
// and plays it again, and feeds kube play bad YAML.
func TestKube(t *testing.T) {
	t.Parallel()
	sb := harness.Boot(t, harness.Options{})
	e := newEnv(t, sb, "crun")
	e.image()
	t.Run("bad YAML exits 125 and creates nothing", func(t *testing.T) { checkKubeBad(t, e) })
	t.Run("play, down, play again", func(t *testing.T) { checkKubePlay(t, e) })
	t.Run("exit code propagation, annotations, down --force", func(t *testing.T) { checkKubeMore(t, e) })
	t.Run("hostPID and hostIPC", func(t *testing.T) { checkKubeHostNS(t, e) })
	t.Run("replicas, DaemonSet, Jobs, probes and limits", func(t *testing.T) { checkKubeFleet(t, e) })
}

func writeKube(t *testing.T, e *env, name, yaml string) string {
	t.Helper()
	p := filepath.Join(e.dir, name)
	if err := os.WriteFile(p, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func checkKubePlay(t *testing.T, e *env) {
	e = e.on(t)
	e.sb.DumpOnFailure(t, "app-pod-pod.service", "podunit-app-pod-web.service", "podunit-app-pod-side.service")
	t.Cleanup(func() { e.run("pod", "rm", "-f", "-t", "0", "app-pod") })
	var file string
	for round, flags := range [][]string{nil, {"--start=false"}} {
		// the claim's marker is written by the first round only: the second,
		// with PLAY=2, must still read gen-1
		yaml := strings.Replace(kubeApp, `value: "1"`, fmt.Sprintf(`value: "%d"`, round+1), 1)
		file = writeKube(t, e, "app.yaml", yaml)
		play := append(append([]string{"kube", "play"}, flags...), file)
		if out := e.must(play...); !strings.HasPrefix(out, "Pod:\n") {
			t.Fatalf("play %d printed %q", round, out)
		}
		if round == 1 { // --start=false made the init container too: pod start runs it first
			if got := e.must("pod", "ps", "--format", "{{.Status}} {{.NumberOfContainers}}"); got != "Created 3\n" {
				t.Errorf("pod ps after play --start=false: %q", got)
			}
			e.must("pod", "start", "app-pod")
		}
		checkKubeRound(t, e, "order=init, GREETING=hello-kube PASSWORD=s3cret conf=mode=fast keep=gen-1 pod=app-pod one=mode=fast from=hello-kube,s3cret sec=s3cret 400 ro\n")
		if round == 0 { // the init container runs again when the pod restarts, before web
			e.must("pod", "restart", "-t", "0", "app-pod")
			eventually(t, 20*time.Second, "web to see the init container's second run", func() bool {
				return strings.Contains(e.run("logs", "app-pod-web").out, "order=init,init, ")
			})
		}
		out := e.must("kube", "down", file)
		if !strings.HasPrefix(out, "Pods removed:\n") || e.run("pod", "exists", "app-pod").code != 1 {
			t.Fatalf("kube down printed %q and left the pod", out)
		}
		if got := e.must("volume", "ls", "--format", "{{.Name}}"); got != "app-config\napp-data\napp-secret\n" {
			t.Errorf("volumes after kube down: %q (want the claim's, the ConfigMap's and the Secret's, not the emptyDir)", got)
		}
	}
}

// checkKubeRound checks a started play: web saw what the init container
// wrote, the init container stays exited (0), probes and limits hold.
func checkKubeRound(t *testing.T, e *env, want string) {
	t.Helper()
	eventually(t, 20*time.Second, "web to print what it found", func() bool {
		return strings.Contains(e.run("logs", "app-pod-web").out, want)
	})
	if got := e.must("pod", "ps", "--format", "{{.Name}} {{.Status}} {{.NumberOfContainers}}"); got != "app-pod Running 3\n" {
		t.Fatalf("pod ps: %q (web: %s)", got, e.run("logs", "app-pod-web").out)
	}
	if got := e.field("app-pod-prep", "{{.State.Status}} {{.State.ExitCode}}"); got != "exited 0" {
		t.Errorf("the init container: %q, want exited 0", got)
	}
	eventually(t, 20*time.Second, "side's tcpSocket probe of web's port (the pod's loopback) to pass", func() bool {
		return e.field("app-pod-side", "{{.State.Health.Status}}") == "healthy"
	})
	if got := e.field("app-pod-web", "{{.HostConfig.Memory}}"); got != "67108864" {
		t.Errorf("web's memory limit: %s", got)
	}
	if got := e.field("app-pod-side", "{{.HostConfig.ReadonlyRootfs}} {{.HostConfig.CapDrop}}"); !strings.HasPrefix(got, "true [") {
		t.Errorf("side's read-only rootfs and dropped caps: %s", got)
	}
}

func checkKubeBad(t *testing.T, e *env) {
	e = e.on(t)
	pod := "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - {name: a, image: bb}\n"
	claim := "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nspec: {}\n---\n"
	cases := []struct{ name, yaml, want string }{
		{"syntax", claim + "a: b\n  c: : d\n", "bad.yaml:7: bad YAML"},
		{"unknown kind", claim + "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n", `bad.yaml:6: Service: kind "Service"`},
		{"wrong type", claim + pod + "  - {name: b, image: bb, ports: [{containerPort: x}]}\n", "cannot unmarshal string"},
		{"unknown field", claim + pod + "  - {name: b, image: bb, foo: 1}\n", "Pod: spec.containers[1].foo: unknown field"},
		{"missing image", claim + pod + "  - {name: b, image: localhost/none, imagePullPolicy: Never}\n", "localhost/none"},
		{"bad flag value", claim + pod + "  - {name: b, image: bb, resources: {limits: {cpu: \"-1\"}}}\n", "container p-b"},
		{"init container fails", claim + strings.Replace(pod, "image: bb}", "image: bb, command: [sleep, '60']}", 1) +
			"  initContainers: [{name: i, image: bb, command: [sh, -c, 'exit 4']}]\n",
			`container "p-i": init container exited with code 4`},
	}
	// flag values create or pod create would refuse, with YAML that makes
	// a claim's volume first: refused before it is made
	flags := []struct{ name, flag, want string }{
		{"bad --log-driver", "--log-driver=bogus", `--log-driver "bogus"`},
		{"bad --userns", "--userns=bogus", `--userns`},
	}
	before := snapshot(e) + e.must("pod", "ps", "-q") + e.must("volume", "ls", "-q")
	for _, c := range cases {
		r := e.run("kube", "play", writeKube(t, e, "bad.yaml", c.yaml))
		if r.code != 125 || !strings.HasPrefix(r.err, "Error: ") || !strings.Contains(r.err, c.want) {
			t.Errorf("%s: exit %d, stderr %q; want 125 and %q", c.name, r.code, r.err, c.want)
		}
	}
	if after := snapshot(e) + e.must("pod", "ps", "-q") + e.must("volume", "ls", "-q"); after != before {
		t.Errorf("bad YAML changed something:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	e.must("pod", "create", "--name", "p") // what --replace would replace
	t.Cleanup(func() { e.run("pod", "rm", "-f", "p") })
	before = snapshot(e) + e.must("pod", "ps", "-q") + e.must("volume", "ls", "-q")
	for _, c := range flags {
		r := e.run("kube", "play", "--replace", c.flag, writeKube(t, e, "bad.yaml", claim+pod))
		if r.code != 125 || !strings.HasPrefix(r.err, "Error: ") || !strings.Contains(r.err, c.want) {
			t.Errorf("%s: exit %d, stderr %q; want 125 and %q", c.name, r.code, r.err, c.want)
		}
	}
	if after := snapshot(e) + e.must("pod", "ps", "-q") + e.must("volume", "ls", "-q"); after != before {
		t.Errorf("bad play flags changed something:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// kubeBootFiles are a .kube source and its YAML: a pod of two members.
var kubeBootFiles = map[string]string{
	"app.kube": "[Kube]\nYaml=kb.yaml\nConfigMap=cm.yaml\nPublishPort=127.0.0.1:18383:8080\nNetwork=kbnet.network\n" +
		"UserNS=auto:size=70000\n\n[Install]\nWantedBy=multi-user.target\n",
	"kbnet.network": "[Network]\nSubnet=10.89.93.0/24\n",
	"cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata: {name: kbcm}
data: {greeting: hello-from-configmap}
`,
	"kb.yaml": `apiVersion: v1
kind: Pod
metadata: {name: kb}
spec:
  containers:
  - name: a
    image: bb
    command: [sh, -c, "echo kb-a-up $GREETING; cat /proc/self/uid_map; ip -4 -o addr; echo done; exec sleep 600"]
    env:
    - name: GREETING
      valueFrom: {configMapKeyRef: {name: kbcm, key: greeting}}
  - name: b
    image: bb
    command: [sh, -c, "echo kb-b-up; echo hi-from-kube > /tmp/index.html; exec httpd -f -p 8080 -h /tmp"]
    ports: [{containerPort: 8080, hostPort: 18384, hostIP: 127.0.0.1}]
`,
}

// TestBootKube boots, with a network namespace of its own, a .kube file
// with ConfigMap=, PublishPort=, Network= (a .network file) and UserNS=:
// its pod is up at boot with each member a unit of its own, a member sees
// the ConfigMap's value, the user namespace's size and the network's
// subnet, the published port answers on the sandbox's loopback, a killed
// member is restarted alone, and stopping the .kube unit takes the pod
// down.
func TestBootKube(t *testing.T) {
	t.Parallel()
	opts, host, sources := bootEnv(t)
	opts.Net = true
	sub := filepath.Join(host.dir, "subid")
	if err := os.WriteFile(sub, []byte("containers:1000000:1000000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	opts.Binds = append(opts.Binds, sub+":/etc/subuid", sub+":/etc/subgid")
	files := maps.Clone(kubeBootFiles)
	maps.Copy(files, kubeJobFiles)
	replaceSources(t, sources, files)
	sb := harness.Boot(t, opts)
	sb.DumpOnFailure(t, "app.service", "kb-pod.service", "podunit-kb-a.service", "podunit-kb-b.service", "kbnet-network.service")
	e := &defaultEnv{t: t, sb: sb, bin: host.bin}
	sb.WaitActive(t, "app.service", "active", 60*time.Second)
	for _, u := range []string{"podunit-kb-a.service", "podunit-kb-b.service"} {
		sb.WaitActive(t, u, "active", 30*time.Second)
	}
	checkKubeJobKeys(t, sb, e) // kube_bootkeys_test.go: the second .kube, ended before the first's checks
	if got := e.must("ps", "--format", "{{.Names}} {{.State}}"); got != "kb-a running\nkb-b running\n" && got != "kb-b running\nkb-a running\n" {
		t.Fatalf("podunit ps at boot:\n%s", got)
	}
	checkKubeKeys(t, sb)
	// a podunit pod like any other: its pod unit, and a journal per member
	sb.WaitActive(t, "kb-pod.service", "active", 5*time.Second)
	eventually(t, 20*time.Second, "each member's line in its own unit's journal", func() bool {
		a, _, _, _ := sb.Exec("journalctl", "-u", "podunit-kb-a.service", "-o", "cat", "--no-pager")
		b, _, _, _ := sb.Exec("journalctl", "-u", "podunit-kb-b.service", "-o", "cat", "--no-pager")
		return strings.Contains(a, "kb-a-up") && !strings.Contains(a, "kb-b-up") && strings.Contains(b, "kb-b-up") && !strings.Contains(b, "kb-a-up")
	})
	if got := e.must("pod", "ps", "--format", "{{.Name}} {{.Status}} {{.NumberOfContainers}}"); got != "kb Running 2\n" {
		t.Errorf("pod ps: %q", got)
	}
	pidA, pidB := e.field("kb-a", "{{.State.Pid}}"), e.field("kb-b", "{{.State.Pid}}")
	sb.Run(t, "kill", "-9", pidB)
	eventually(t, 30*time.Second, "kb-b restarted", func() bool {
		r := e.run("inspect", "--format", "{{.State.Pid}} {{.State.Status}}", "kb-b")
		return !strings.HasPrefix(r.out, pidB+" ") && strings.Contains(r.out, "running")
	})
	if got := e.field("kb-a", "{{.State.Pid}} {{.State.Status}}"); got != pidA+" running" {
		t.Errorf("kb-a after kb-b was killed: %s, want %s running (left alone)", got, pidA)
	}
	sb.Run(t, "systemctl", "stop", "app.service")
	if got := e.must("pod", "ps", "-q"); got != "" {
		t.Errorf("pods remain after the .kube unit stopped: %q", got)
	}
}

// checkKubeKeys reads the effects of the [Kube] keys of kubeBootFiles:
// ConfigMap= (an env value), UserNS= (the map's size), Network= (the
// address's subnet) in kb-a's output, PublishPort= (and kb-b's hostPort)
// on the loopback.
func checkKubeKeys(t *testing.T, sb *harness.Sandbox) {
	t.Helper()
	eventually(t, 30*time.Second, "kb-a to print what it sees", func() bool { return strings.Contains(unitLog(sb, "podunit-kb-a.service"), "done\n") })
	out := unitLog(sb, "podunit-kb-a.service")
	if !strings.Contains(out, "kb-a-up hello-from-configmap\n") {
		t.Errorf("ConfigMap=cm.yaml: kb-a lacks the value\n%s", out)
	}
	if m := idMaps(out); len(m) < 1 || m[0][2] != "70000" {
		t.Errorf("UserNS=auto:size=70000: kb-a's maps %q\n%s", m, out)
	}
	if !strings.Contains(out, "inet 10.89.93.") {
		t.Errorf("Network=kbnet.network: kb-a has no address in 10.89.93.0/24\n%s", out)
	}
	for _, port := range []string{"18383", "18384"} { // PublishPort=, and kb-b's hostPort
		eventually(t, 30*time.Second, "port "+port+" to answer on the sandbox's loopback", func() bool {
			got, _, _, _ := sb.Exec("wget", "-qO-", "http://127.0.0.1:"+port+"/")
			return got == "hi-from-kube\n"
		})
	}
}
