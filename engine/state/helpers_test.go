package state

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/podunit/podunit/engine/model"
)

// openTemp opens a fresh store in a temporary directory.
func openTemp(t testing.TB) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state", "podunit.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

// testID is a valid ID made from n, after an optional hex prefix.
func testID(prefix string, n int) string {
	s := fmt.Sprintf("%s%064x", prefix, n)
	return s[:64]
}

// minimal is a container with only the required fields set.
func minimal(id, name string) *model.Container {
	return &model.Container{
		ID: id, Name: name, Image: "busybox", ImageID: testID("", 999),
		Created: time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC),
		State:   model.State{Status: model.Created},
	}
}

// fullPodID is the pod full's containers belong to; addFullPod adds it.
var fullPodID = testID("f0d", 500)

// addFullPod adds the pod full's containers belong to.
func addFullPod(t *testing.T, s *Store) {
	t.Helper()
	mustAddPod(t, s, minimalPod(fullPodID, "fullpod"))
}

// full is a container with every field set, times in UTC. Its pod is
// fullPodID, which must exist (addFullPod) before it is stored.
func full(id, name string) *model.Container {
	c := minimal(id, name)
	retries := 4
	c.Config = model.Config{
		Entrypoint: []string{"/bin/sh", "-c"}, Cmd: []string{"exit 3"},
		Env: []string{"PATH=/bin", "A=b"}, Labels: map[string]string{"k": "v"},
		WorkingDir: "/srv", User: "1000:1000", Hostname: "box",
		Mounts: []model.Mount{{Type: "bind", Source: "/h", Destination: "/c", ReadOnly: true, Options: []string{"rbind"}, Anonymous: true, SubPath: "sub"}},
		Tmpfs:  []string{"/tmp:size=1m"}, ReadOnly: true, Privileged: true,
		CapAdd: []string{"CAP_NET_ADMIN"}, CapDrop: []string{"CAP_CHOWN"},
		StopSignal: "SIGINT", StopTimeout: 7, Restart: "on-failure:3", Remove: true,
		SdNotify: "container", Runtime: "crun", Pod: fullPodID,
		Network: "webnet", Ports: []model.PortMapping{{HostIP: "127.0.0.1", HostPort: 8080, ContainerPort: 80, Protocol: "tcp"}},
		NetConfig: fullNetConfig(),
		Resources: fullResources(),
		Storage: model.Storage{Devices: []model.Device{{PathOnHost: "/dev/fuse", PathInContainer: "/dev/fuse", CgroupPermissions: "rwm"}},
			DeviceCgroupRules: []string{"c 10:229 rwm"}, NoReadOnlyTmpfs: true, Rootfs: "/srv/rootfs"},
		MetaConfig: model.MetaConfig{Annotations: map[string]string{"a": "1"}, Timezone: "Europe/Berlin", LogDriver: "passthrough",
			LogTag: "web", Expose: []string{"80/tcp"}, HostUsers: []string{"nobody"}},
		Identity: model.Identity{UserNSConfig: fullUserNS(), GroupAdd: []string{"wheel"}, SecurityOpt: []string{"no-new-privileges"},
			CgroupsMode: "split", Init: true, InitPath: "/usr/bin/catatonit"},
		TermConfig: model.TermConfig{Tty: true, Interactive: true},
		Secrets: []model.SecretRef{{Name: "pw", ID: "0123456789abcdef01234567", Type: "mount", Target: "/run/secrets/pw",
			UID: 1, GID: 2, Mode: 0o400}},
		Health: &model.HealthConfig{Test: []string{"CMD-SHELL", "true"}, Interval: time.Minute, Timeout: time.Second,
			StartPeriod: time.Second, Retries: 3, OnFailure: "restart"},
		PullConfig: model.PullConfig{PullPolicy: "newer", PullRetry: &retries, PullRetryDelay: "5s", PullDecryptionKeys: []string{"/k.pem:pw"}},
		PodRole:    model.PodRole{InitCtr: "always"},
		OpsConfig:  model.OpsConfig{NoHealthcheck: true, FromImage: &model.ImageTaken{Cmd: true, UserEnv: []string{"A=b"}, EnvMerge: []string{"P=${P}:/x"}}},
	}
	c.State = model.State{
		Status: model.Exited, Pid: 4242, ExitCode: 3,
		StartedAt:  time.Date(2025, 1, 2, 3, 4, 6, 123456789, time.UTC),
		FinishedAt: time.Date(2025, 1, 2, 3, 4, 9, 987654321, time.UTC),
		Unit:       "podunit-" + name + ".service", Error: "last start failed", IP: "10.89.0.2",
		Health: &model.HealthState{Status: "unhealthy", FailingStreak: 3, Log: []model.HealthLog{{
			Start: time.Date(2025, 1, 2, 3, 4, 7, 0, time.UTC), End: time.Date(2025, 1, 2, 3, 4, 8, 0, time.UTC),
			ExitCode: 1, Output: "no"}}},
	}
	return c
}

// requireAllSet fails when any field under v is its zero value, so that a
// field added to the model later must be added to full too.
func requireAllSet(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	if v.Type() == reflect.TypeOf(time.Time{}) || v.Kind() != reflect.Struct {
		if v.IsZero() || (v.Kind() == reflect.Slice || v.Kind() == reflect.Map) && v.Len() == 0 {
			t.Errorf("full() leaves %s unset", path)
		}
		if v.Kind() == reflect.Slice && v.Len() > 0 && v.Index(0).Kind() == reflect.Struct {
			requireAllSet(t, v.Index(0), path+"[0]")
		}
		return
	}
	for i := 0; i < v.NumField(); i++ {
		requireAllSet(t, v.Field(i), path+"."+v.Type().Field(i).Name)
	}
}

// mustGet reads ref and fails the test on error.
func mustGet(t *testing.T, s *Store, ref string) *model.Container {
	t.Helper()
	c, err := s.Container(context.Background(), ref)
	if err != nil {
		t.Fatalf("Container(%q): %v", ref, err)
	}
	return c
}

// minimalPod is a pod with only the required fields set.
func minimalPod(id, name string) *model.Pod {
	return &model.Pod{ID: id, Name: name, Created: time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC)}
}

// fullResources sets every resource limit.
func fullResources() model.Resources {
	pids, oom := int64(100), 200
	return model.Resources{Memory: 64 << 20, MemorySwap: 128 << 20, MemoryReservation: 32 << 20, NanoCPUs: 1.5e9,
		CPUShares: 512, CpusetCPUs: "0", CpusetMems: "0", PidsLimit: &pids,
		Ulimits: []model.Ulimit{{Name: "RLIMIT_NOFILE", Soft: 1024, Hard: 2048}}, ShmSize: 1 << 20,
		Sysctls: map[string]string{"net.ipv4.ip_forward": "1"}, OOMScoreAdj: &oom}
}

// fullUserNS sets every user namespace field.
func fullUserNS() model.UserNSConfig {
	return model.UserNSConfig{UserNS: "auto", UIDMap: []string{"0:100000:65536"}, GIDMap: []string{"0:100000:65536"},
		SubUIDName: "containers", SubGIDName: "containers"}
}

// fullNetConfig sets every network and name-resolution field.
func fullNetConfig() model.NetConfig {
	return model.NetConfig{Networks: []string{"backnet"}, ModeOptions: []string{"-T", "8080"},
		NetworkOpts: map[string]model.NetworkOpts{"webnet": {Aliases: []string{"www"}, IP: "10.89.1.9", IP6: "fd00:89:1::9", MAC: "02:00:00:00:00:09"}},
		DNS:         []string{"192.0.2.53"}, DNSSearch: []string{"example.test"}, DNSOptions: []string{"ndots:2"},
		AddHost: []string{"gw:192.0.2.1"}, NoHosts: true}
}

// fullPod is a pod with every field set, times in UTC.
func fullPod(id, name string) *model.Pod {
	p := minimalPod(id, name)
	p.Config = model.PodConfig{
		Labels: map[string]string{"k": "v"}, Share: []string{"net", "ipc", "uts"},
		Hostname: "podhost", ExitPolicy: "stop", Memory: 64 << 20, CPUs: 1.5,
		Network: "webnet", Ports: []model.PortMapping{{HostIP: "0.0.0.0", HostPort: 53, ContainerPort: 53, Protocol: "udp"}},
		NetConfig: fullNetConfig(), ShmSize: 1 << 20, UserNSConfig: fullUserNS(),
		PodHostNS: model.PodHostNS{PIDMode: model.HostNS, IPCMode: model.HostNS},
	}
	p.State = model.PodState{NamespacesPinned: true, Unit: "podunit-pod-" + name + ".slice", IP: "10.89.0.3", HolderPid: 4242,
		Error: `pod "` + name + `": address taken`, ErrorAt: time.Date(2026, 12, 5, 4, 30, 0, 0, time.UTC)}
	return p
}

// member is a minimal container in the pod with the given ID.
func member(id, name, podID string) *model.Container {
	c := minimal(id, name)
	c.Config.Pod = podID
	return c
}

// mustAddPod adds p and fails the test on error.
func mustAddPod(t *testing.T, s *Store, p *model.Pod) {
	t.Helper()
	if err := s.AddPod(context.Background(), p); err != nil {
		t.Fatal(err)
	}
}

// mustGetPod reads ref and fails the test on error.
func mustGetPod(t *testing.T, s *Store, ref string) *model.Pod {
	t.Helper()
	p, err := s.Pod(context.Background(), ref)
	if err != nil {
		t.Fatalf("Pod(%q): %v", ref, err)
	}
	return p
}
