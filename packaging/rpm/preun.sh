# %systemd_preun podunit-restart.service podunit-auto-update.service podunit-auto-update.timer:
# disable and stop on erase
if [ $1 -eq 0 ]; then
	systemctl --no-reload disable --now podunit-restart.service podunit-auto-update.service podunit-auto-update.timer >/dev/null 2>&1 || :
fi
