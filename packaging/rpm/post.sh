# %systemd_post podunit-restart.service podunit-auto-update.service podunit-auto-update.timer:
# apply the presets on first install (90-podunit.preset enables only the first)
if [ $1 -eq 1 ]; then
	systemctl --no-reload preset podunit-restart.service podunit-auto-update.service podunit-auto-update.timer >/dev/null 2>&1 || :
fi
# %tmpfiles_create podunit.conf
systemd-tmpfiles --create podunit.conf >/dev/null 2>&1 || :
