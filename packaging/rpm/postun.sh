# %systemd_postun podunit-restart.service: reload systemd (its generator and
# units); no restart on upgrade, which would start stopped containers again
if [ -d /run/systemd/system ]; then
	systemctl daemon-reload >/dev/null 2>&1 || :
fi
