# shellcheck shell=sh disable=SC2154
# SC2154: the names this program uses but does not set come from lib.sh, which is put in front of it when it is sent;
# Core/HostProgramTests runs shellcheck over lib.sh and this file together, where every name must be defined.
# NixDeploy's first contact with a host whose SSH user escalates (deployment.privilegeEscalation), run over SSH as:
# sh -c ESCALATE nixdeploy-escalate TOOL COMMAND... (ESCALATE is lib.sh and this file; TOOL is sudo or doas, COMMAND the
# escalated host program, TOOL -n -- sh -c PROGRAM NAME ARGS...). It runs COMMAND once TOOL -n true shows that this
# user may run commands as root without a password; else it exits with exit_escalation_refused and TOOL's reason, before
# anything on the host changed. The check rides on the call that opens the deploy, so it costs no round trip.
tool=$1
shift
if ! "$tool" -n true; then
  echo "'$tool -n true' failed: this user may not run the deploy's steps as root without a password" >&2
  exit "$exit_escalation_refused"
fi
exec "$@"
