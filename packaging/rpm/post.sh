# %systemd_post podunit-restart.service: apply the preset on first install
if [ $1 -eq 1 ]; then
	systemctl --no-reload preset podunit-restart.service >/dev/null 2>&1 || :
fi
# %tmpfiles_create podunit.conf
systemd-tmpfiles --create podunit.conf >/dev/null 2>&1 || :
