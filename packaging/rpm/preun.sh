# %systemd_preun podunit-restart.service: disable and stop on erase
if [ $1 -eq 0 ]; then
	systemctl --no-reload disable --now podunit-restart.service >/dev/null 2>&1 || :
fi
