package kube

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// maxReplicas bounds a Deployment's pods on one host.
const maxReplicas = 64

// Docs are the objects of one or more YAML files, in file order.
type Docs struct {
	Pods       []*PodSource // from kind Pod and Deployment
	ConfigMaps map[string]*corev1.ConfigMap
	Secrets    map[string]*corev1.Secret
	Claims     map[string]*corev1.PersistentVolumeClaim
	stored     map[string]bool // Secrets read back from podunit's store (AddStoredSecret)
	NodeName   string          // the host's name: what spec.nodeName reads as (env fieldRef)
	Play       PlayOptions     // kube play's flags that reach every pod and container
}

// PlayOptions are what kube play's flags add to every pod of the YAML.
type PlayOptions struct {
	Annotations map[string]string // --annotation: over the pods' own
	CreateArgs  []string          // create flags for every container (--log-driver, --log-opt)
}

// PodSource is a pod template and where it came from.
type PodSource struct {
	File     string
	Line     int
	Kind     string // Pod, Deployment, DaemonSet or Job
	Name     string // the object's own name
	Replicas int    // 1 for a Pod
	Meta     metav1.ObjectMeta
	Spec     corev1.PodSpec
	SpecPath string // "spec" or "spec.template.spec"
}

func (p *PodSource) what() string { return p.Kind + " " + p.Name }

// errAt makes err (a *fieldErr or plain) an *Error of p's document.
func (p *PodSource) errAt(err error) error { return docErr(p.File, p.Line, p.what(), err) }

// NewDocs returns an empty set of objects.
func NewDocs() *Docs {
	return &Docs{ConfigMaps: map[string]*corev1.ConfigMap{}, Secrets: map[string]*corev1.Secret{},
		Claims: map[string]*corev1.PersistentVolumeClaim{}}
}

// doc is one YAML document of a file and the line it starts on.
type doc struct {
	line int
	data []byte
}

var docSep = regexp.MustCompile(`^---(\s.*)?$`)

// split cuts a multi-document stream at its `---` lines.
func split(data []byte) []doc {
	var docs []doc
	cur := doc{line: 1}
	lines := bytes.SplitAfter(data, []byte("\n"))
	for i, l := range lines {
		if docSep.Match(bytes.TrimRight(l, "\r\n")) {
			docs = append(docs, cur)
			cur = doc{line: i + 2}
			continue
		}
		cur.data = append(cur.data, l...)
	}
	return append(docs, cur)
}

var yamlLine = regexp.MustCompile(`line (\d+)`)

// Add decodes the documents of file (strictly: unknown fields, duplicate
// keys and wrong types are errors) into d.
func (d *Docs) Add(file string, data []byte) error {
	for _, dc := range split(data) {
		if len(bytes.TrimSpace(stripComments(dc.data))) == 0 {
			continue
		}
		if err := d.addDoc(file, dc); err != nil {
			return err
		}
	}
	return nil
}

func stripComments(b []byte) []byte {
	var out []byte
	for _, l := range bytes.SplitAfter(b, []byte("\n")) {
		if !bytes.HasPrefix(bytes.TrimSpace(l), []byte("#")) {
			out = append(out, l...)
		}
	}
	return out
}

func (d *Docs) addDoc(file string, dc doc) error {
	js, err := yaml.YAMLToJSONStrict(dc.data)
	if err != nil {
		return syntaxErr(file, dc.line, err)
	}
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal(js, &tm); err != nil {
		return &Error{File: file, Line: dc.line, Msg: "not a Kubernetes object: " + err.Error()}
	}
	what := strings.TrimSpace(tm.Kind)
	obj, add, err := d.target(tm)
	if err != nil {
		return &Error{File: file, Line: dc.line, What: what, Msg: err.Error()}
	}
	if err := strictDecode(js, obj); err != nil {
		return docErr(file, dc.line, what, err)
	}
	return docErr(file, dc.line, what, add(file, dc.line))
}

// docErr places err (a *fieldErr or plain) in a document; nil stays nil.
func docErr(file string, line int, what string, err error) error {
	if err == nil {
		return nil
	}
	e := &Error{File: file, Line: line, What: what, Msg: err.Error()}
	var fe *fieldErr
	if errors.As(err, &fe) {
		e.Path, e.Msg = fe.path, fe.msg
	}
	return e
}

// syntaxErr turns the YAML parser's document-relative line into the file's.
func syntaxErr(file string, start int, err error) error {
	msg := strings.TrimPrefix(err.Error(), "error converting YAML to JSON: ")
	line := start
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		line = start + n - 1
		msg = strings.Replace(msg, m[0], "line "+strconv.Itoa(line), 1)
	}
	return &Error{File: file, Line: line, Msg: "bad YAML: " + msg}
}

var unknownField = regexp.MustCompile(`^unknown field "(.*)"$`)
var dupField = regexp.MustCompile(`^duplicate field "(.*)"$`)

// strictDecode decodes js into obj, reporting the first unknown or
// repeated field by its path.
func strictDecode(js []byte, obj any) error {
	strict, err := kjson.UnmarshalStrict(js, obj, kjson.DisallowDuplicateFields, kjson.DisallowUnknownFields)
	if err != nil {
		return errors.New(strings.TrimPrefix(err.Error(), "json: "))
	}
	for _, s := range strict {
		if m := unknownField.FindStringSubmatch(s.Error()); m != nil {
			return bad(m[1], "unknown field")
		}
		if m := dupField.FindStringSubmatch(s.Error()); m != nil {
			return bad(m[1], "field given twice")
		}
		return s
	}
	return nil
}

// target is the object a document of kind tm decodes into, and what adds
// it to d once decoded.
func (d *Docs) target(tm metav1.TypeMeta) (any, func(file string, line int) error, error) {
	switch key := tm.APIVersion + " " + tm.Kind; key {
	case "v1 Pod":
		var p corev1.Pod
		return &p, func(f string, l int) error { return d.addPod(f, l, &p) }, nil
	case "apps/v1 Deployment":
		var dep appsv1.Deployment
		return &dep, func(f string, l int) error { return d.addDeployment(f, l, &dep) }, nil
	case "apps/v1 DaemonSet":
		var ds appsv1.DaemonSet
		return &ds, func(f string, l int) error {
			return d.addTemplate(f, l, "DaemonSet", ds.Name, 1, &ds.Spec.Template)
		}, nil
	case "batch/v1 Job":
		var j batchv1.Job
		return &j, func(f string, l int) error { return d.addJob(f, l, &j) }, nil
	case "v1 ConfigMap":
		var cm corev1.ConfigMap
		return &cm, func(string, int) error { return addNamed(d.ConfigMaps, cm.Name, "ConfigMap", &cm) }, nil
	case "v1 Secret":
		var s corev1.Secret
		return &s, func(string, int) error { return addNamed(d.Secrets, s.Name, "Secret", &s) }, nil
	case "v1 PersistentVolumeClaim":
		var c corev1.PersistentVolumeClaim
		return &c, func(string, int) error { return addNamed(d.Claims, c.Name, "PersistentVolumeClaim", &c) }, nil
	}
	if tm.Kind == "" {
		return nil, nil, errors.New("no kind: want Pod, Deployment, DaemonSet, Job, ConfigMap, Secret or PersistentVolumeClaim")
	}
	return nil, nil, fmt.Errorf("kind %q of apiVersion %q is not supported: want v1 Pod, apps/v1 Deployment or DaemonSet, batch/v1 Job, v1 ConfigMap, Secret or PersistentVolumeClaim",
		tm.Kind, tm.APIVersion)
}

func addNamed[T any](m map[string]*T, name, kind string, v *T) error {
	if name == "" {
		return bad("metadata.name", "a %s needs a name", kind)
	}
	if _, dup := m[name]; dup {
		return fmt.Errorf("a second %s named %q", kind, name)
	}
	m[name] = v
	return nil
}

func (d *Docs) addPod(file string, line int, p *corev1.Pod) error {
	if p.Name == "" {
		return bad("metadata.name", "a Pod needs a name")
	}
	d.Pods = append(d.Pods, &PodSource{File: file, Line: line, Kind: "Pod", Name: p.Name, Replicas: 1,
		Meta: p.ObjectMeta, Spec: p.Spec, SpecPath: "spec"})
	return nil
}

func (d *Docs) addDeployment(file string, line int, dep *appsv1.Deployment) error {
	n := 1
	if dep.Spec.Replicas != nil {
		n = int(*dep.Spec.Replicas)
	}
	if n < 0 || n > maxReplicas {
		return bad("spec.replicas", "%d: want 0 to %d on one host", n, maxReplicas)
	}
	return d.addTemplate(file, line, "Deployment", dep.Name, n, &dep.Spec.Template)
}

// addJob plays a Job's pod once (NAME-pod, as Podman): its restartPolicy
// must be Never or OnFailure, as Kubernetes requires.
func (d *Docs) addJob(file string, line int, j *batchv1.Job) error {
	switch j.Spec.Template.Spec.RestartPolicy {
	case corev1.RestartPolicyNever, corev1.RestartPolicyOnFailure:
	default:
		return bad("spec.template.spec.restartPolicy", "a Job's pods need Never or OnFailure")
	}
	return d.addTemplate(file, line, "Job", j.Name, 1, &j.Spec.Template)
}

// addTemplate adds the pods of a workload's pod template: a DaemonSet is
// one pod on one host.
func (d *Docs) addTemplate(file string, line int, kind, name string, n int, tpl *corev1.PodTemplateSpec) error {
	if name == "" {
		return bad("metadata.name", "a %s needs a name", kind)
	}
	d.Pods = append(d.Pods, &PodSource{File: file, Line: line, Kind: kind, Name: name, Replicas: n,
		Meta: tpl.ObjectMeta, Spec: tpl.Spec, SpecPath: "spec.template.spec"})
	return nil
}

// AddConfigMaps decodes a --configmap file: ConfigMaps only.
func (d *Docs) AddConfigMaps(file string, data []byte) error {
	only := NewDocs()
	if err := only.Add(file, data); err != nil {
		return err
	}
	if len(only.Pods)+len(only.Secrets)+len(only.Claims) > 0 {
		return &Error{File: file, Msg: "a --configmap file may hold ConfigMaps only"}
	}
	for name, cm := range only.ConfigMaps {
		if err := addNamed(d.ConfigMaps, name, "ConfigMap", cm); err != nil {
			return &Error{File: file, Msg: err.Error()}
		}
	}
	return nil
}
