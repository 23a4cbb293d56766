package quadlet

import "strings"

// knownKeys are the keys Podman's Quadlet knows in each section
// (podman-systemd.unit(5), Podman 5.x), so that a key podunit does not
// translate yet is told apart from a misspelt one.
var knownKeys = map[Kind]string{
	Container: "AddCapability AddDevice AddHost Annotation AutoUpdate CgroupsMode ContainerName ContainersConfModule " +
		"DNS DNSOption DNSSearch DropCapability Entrypoint Environment EnvironmentFile EnvironmentHost Exec " +
		"ExposeHostPort GIDMap GlobalArgs Group GroupAdd HealthCmd HealthInterval HealthLogDestination " +
		"HealthMaxLogCount HealthMaxLogSize HealthOnFailure HealthRetries HealthStartPeriod HealthStartupCmd " +
		"HealthStartupInterval HealthStartupRetries HealthStartupSuccess HealthStartupTimeout HealthTimeout " +
		"HostName HttpProxy IP IP6 Image Label LogDriver LogOpt Mask Memory Mount Network NetworkAlias NoNewPrivileges " +
		"Notify PidsLimit Pod PodmanArgs PublishPort Pull ReadOnly ReadOnlyTmpfs ReloadCmd ReloadSignal " +
		"RemapGid RemapUid RemapUidSize RemapUsers Retry RetryDelay Rootfs RunInit SeccompProfile Secret " +
		"SecurityLabelDisable SecurityLabelFileType SecurityLabelLevel SecurityLabelNested SecurityLabelType " +
		"ServiceName ShmSize StartWithPod StopSignal StopTimeout SubGIDMap SubUIDMap Sysctl Timezone Tmpfs " +
		"UIDMap Ulimit Unmask User UserNS VolatileTmp Volume WorkingDir",
	Pod: "AddHost ContainersConfModule DNS DNSOption DNSSearch ExitPolicy GIDMap GlobalArgs HostName IP IP6 " +
		"Label Network NetworkAlias PodName PodmanArgs PublishPort RemapGid RemapUid RemapUidSize RemapUsers " +
		"ServiceName ShmSize StopTimeout SubGIDMap SubUIDMap UIDMap UserNS Volume",
	Volume: "ContainersConfModule Copy Device Driver GlobalArgs Group Image Label Options PodmanArgs " +
		"ServiceName Type User VolumeName",
	Network: "ContainersConfModule DNS DisableDNS Driver Gateway GlobalArgs IPAMDriver IPRange IPv6 " +
		"InterfaceName Internal Label NetworkDeleteOnStop NetworkName Options PodmanArgs ServiceName Subnet",
	Image: "AllTags Arch AuthFile CertDir ContainersConfModule Creds DecryptionKey GlobalArgs Image ImageTag " +
		"OS PodmanArgs Policy Retry RetryDelay ServiceName TLSVerify Variant",
	Kube: "AutoUpdate ConfigMap ContainersConfModule ExitCodePropagation GlobalArgs KubeDownForce LogDriver LogOpt Network " +
		"PodmanArgs PublishPort RemapGid RemapUid RemapUidSize RemapUsers ServiceName SetWorkingDirectory UserNS Yaml",
}

// knownToQuadlet reports whether Quadlet has key in kind's section.
func knownToQuadlet(kind Kind, key string) bool {
	for _, k := range strings.Fields(knownKeys[kind]) {
		if k == key {
			return true
		}
	}
	return false
}
