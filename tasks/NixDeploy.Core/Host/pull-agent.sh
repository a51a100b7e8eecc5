# shellcheck shell=sh disable=SC2154
# SC2154: the names this program uses but does not set come from lib.sh, which is put in front of it when it is sent;
# Core/HostProgramTests runs shellcheck over lib.sh and this file together, where every name must be defined.
# NixDeploy's pull agent: a machine that fetches its own desired state from the control plane instead of being
# deployed over SSH (docs/pull-agents.md). It runs as root, as a service (the template's modules/nixdeploy-agent.nix):
#   sh PULL-AGENT SERVER MACHINE TOKEN-FILE PROGRAMS
# PULL-AGENT is lib.sh and this file; PROGRAMS a folder holding `agent` (lib.sh and agent.sh) and `watchdog` (lib.sh
# and watchdog.sh), the programs a push deploy sends. It long-polls SERVER's desired state of MACHINE with the
# machine's token, which it reads from TOKEN-FILE and keeps out of every command line and log. For a toplevel that
# is not live, it runs a push deploy's steps through the agent: lock, substitute the closure from the listed
# substituters trusting only the listed keys, activate under the watchdog, health checks, confirm, boot entry; each
# step is reported to the server. Confirmation is the server's: the deploy is confirmed on the host (agent finish)
# only after the server answered the confirm with 200; without that answer by the watchdog's deadline (the health
# checks' time plus confirmTimeoutSeconds after activation), the watchdog rolls the host back by itself.

[ $# -eq 4 ] || { echo "usage: nixdeploy-pull-agent SERVER MACHINE TOKEN-FILE PROGRAMS" >&2; exit "$exit_usage"; }
server=${1%/} machine=$2 token_file=$3 programs=$4
# How long one request waits on the server for a newer deployment; how long to wait after a request that failed.
poll_wait=60 retry_wait=5

log() { printf 'nixdeploy-pull-agent: %s\n' "$*" >&2; }

case "$server" in
  http://?* | https://?*) ;;
  *) log "the server must be an http:// or https:// URL, not '$server'"; exit "$exit_usage" ;;
esac
case "$machine" in
  '' | *[!A-Za-z0-9_-]*) log "bad machine name '$machine'"; exit "$exit_usage" ;;
esac
if ! watchdog_program=$(cat "$programs/watchdog") || [ ! -r "$programs/agent" ]; then
  log "$programs must hold the programs agent and watchdog"
  exit "$exit_usage"
fi

# Nix evaluates the server's JSON (nix is on every NixOS host, jq is not): the desired state becomes shell
# assignments, each value single-quoted, and a report becomes JSON. Every value is checked before it is used.
nix_eval() { # EXPRESSION (its input in NIXDEPLOY_* variables)
  nix --extra-experimental-features nix-command eval --raw --impure --expr "$1"
}
# shellcheck disable=SC2016 # ${...} is Nix's interpolation
nix_quote='sq = builtins.fromJSON "\"\\u0027\""; q = s: sq + builtins.replaceStrings [ sq ] [ (sq + "\\" + sq + sq) ] s + sq;'
# shellcheck disable=SC2016
desired_nix="let $nix_quote"'
  d = builtins.fromJSON (builtins.readFile (builtins.getEnv "NIXDEPLOY_DESIRED"));
  valid = what: pattern: s: if builtins.isString s && builtins.match pattern s != null then s else throw "${what} is not valid: ${builtins.toJSON s}";
  seconds = what: n: if builtins.isInt n && n > 0 then toString n else throw "${what} must be a whole number of seconds above 0, not ${builtins.toJSON n}";
  line = name: value: "${name}=${q value}\n";
  keys = builtins.filter (key: key != null) (map (s: s.publicKey or null) d.substituters);
  checks = d.healthChecks or [ ];
  check = i: c: line "check_${toString i}_command" (valid "a health check command" ".+" c.command)
    + line "check_${toString i}_timeout" (seconds "a health check timeout" (c.timeout or 60))
    + line "check_${toString i}_interval" (seconds "a health check interval" (c.interval or 10));
in
  line "deployment_id" (valid "deploymentId" "[A-Za-z0-9._:-]+" d.deploymentId)
  + line "toplevel" (valid "toplevel" "/nix/store/[0-9a-z]{32}-[A-Za-z0-9+._?=-]+" d.toplevel)
  + line "substituters" (builtins.concatStringsSep " " (map (s: valid "a substituter URL" "https?://[^[:space:]]+" s.url) d.substituters))
  + line "public_keys" (builtins.concatStringsSep " " (map (valid "a public key" "[^[:space:]:]+:[A-Za-z0-9+/=]+") keys))
  + line "activation_timeout" (seconds "activationTimeoutSeconds" d.activationTimeoutSeconds)
  + line "confirm_timeout" (seconds "confirmTimeoutSeconds" d.confirmTimeoutSeconds)
  + line "check_count" (toString (builtins.length checks))
  + builtins.concatStringsSep "" (builtins.genList (i: check i (builtins.elemAt checks i)) (builtins.length checks))'
# shellcheck disable=SC2016
report_nix='let e = name: builtins.getEnv "NIXDEPLOY_REPORT_${name}"; optional = key: value: if value == "" then { } else { ${key} = value; };
in builtins.toJSON ({ deploymentId = e "DEPLOYMENT"; step = e "STEP"; status = e "STATUS"; } // optional "code" (e "CODE") // optional "message" (e "MESSAGE"))'

# The token goes only into files that only root reads: curl's header file, and nix's netrc for the server's own
# host (a substituter elsewhere never sees it). Both are written again when the agent starts: a new token file
# takes effect with a restart.
write_credentials() {
  token=''
  read -r token 2>/dev/null < "$token_file"
  case "$token" in
    '' | *[!A-Za-z0-9_-]*) log "$token_file holds no machine token (create one with: dotnet nixdeploy machine add $machine)"; exit "$exit_usage" ;;
  esac
  host=${server#*://}
  host=${host%%/*}
  host=${host##*@}
  case "$host" in
    \[*) host=${host%%]*}; host=${host#\[} ;;
    *) host=${host%:*} ;;
  esac
  umask 077
  mkdir -p "$pull_root/outbox" || exit "$exit_host_failure"
  printf 'Authorization: Bearer %s\n' "$token" > "$pull_root/header" \
    && printf 'machine %s login nixdeploy password %s\n' "$host" "$token" > "$pull_root/netrc" || exit "$exit_host_failure"
  token=''
}

# One request to the server: sets http_code (000 when there was no answer); the body is in $pull_root/response.
api() { # METHOD PATH MAX-SECONDS [BODY-FILE]
  api_method=$1 api_url=$server$2 api_time=$3
  if [ $# -eq 4 ]; then set -- --data-binary "@$4" -H 'Content-Type: application/json'; else set --; fi
  http_code=$(curl -sS -o "$pull_root/response" -w '%{http_code}' -X "$api_method" -H "@$pull_root/header" --max-time "$api_time" "$@" \
    "$api_url" 2> "$pull_root/curl.err") || :
  [ -n "$http_code" ] || http_code=000
}

# Reports wait in the outbox until the server has taken them, in order: a server that was away hears what happened
# meanwhile (a rollback after it stopped answering) once it answers again.
report() { # DEPLOYMENT STEP STATUS [CODE MESSAGE]
  log "deployment $1: $2 $3${4:+ ($4)}${5:+: $5}"
  if ! NIXDEPLOY_REPORT_DEPLOYMENT=$1 NIXDEPLOY_REPORT_STEP=$2 NIXDEPLOY_REPORT_STATUS=$3 NIXDEPLOY_REPORT_CODE=${4:-} \
    NIXDEPLOY_REPORT_MESSAGE=${5:-} nix_eval "$report_nix" > "$pull_root/report.tmp"; then
    log "cannot write the report: nix eval failed"
    return 0
  fi
  sequence=0
  read -r sequence 2>/dev/null < "$pull_root/outbox.sequence"
  sequence=$((sequence + 1))
  printf '%s\n' "$sequence" > "$pull_root/outbox.sequence"
  mv -f "$pull_root/report.tmp" "$pull_root/outbox/$(printf '%09d' "$sequence").json"
  deliver_reports
}

deliver_reports() {
  for report_file in "$pull_root"/outbox/*.json; do
    [ -e "$report_file" ] || return 0
    api POST "/api/v1/machines/$machine/reports" 10 "$report_file"
    case $http_code in
      2??) rm -f "$report_file" ;;
      # Refused for good (a deployment the server no longer has, a token it no longer accepts): sending it again cannot help.
      4??) log "the server refused a report (HTTP $http_code): $(cat "$pull_root/response")"; rm -f "$report_file" ;;
      *) return 0 ;;
    esac
  done
}

# Runs a step of the agent (lib.sh + agent.sh, as a push deploy runs it over SSH), its output in $pull_root/step.out
# and step.err; sets status. Not with the deploy lock's descriptor: the watchdog it may start must not hold the lock.
agent_step() { # COMMAND ARGS...
  sh "$programs/agent" "$@" > "$pull_root/step.out" 2> "$pull_root/step.err" 9>&-
  status=$?
}

# Sets value to KEY's value in the last step's output (KEY=VALUE lines), or to nothing.
step_value() { # KEY
  value=''
  while IFS= read -r step_line; do
    case "$step_line" in "$1="*) value=${step_line#*=} ;; esac
  done < "$pull_root/step.out"
}

step_errors() { tr '\n' ' ' < "$pull_root/step.err"; }

# Has the watchdog roll back now (unless it did already) and reports how that ended; MESSAGE says why.
roll_back() { # CODE MESSAGE
  agent_step rollback "$deploy_token" "$rollback_wait"
  step_value result
  result=$value
  step_value current
  if [ "$status" = 0 ] && [ "$result" = rolled-back ] && [ "$value" = "$previous" ]; then
    report "$deployment_id" rollback rolled-back "$1" "$2 Rolled back: the live system is ${previous:-none (as before)} again (verified)."
  else
    report "$deployment_id" rollback failed ND5009 "$2 Rolling back to ${previous:-no system} failed (exit $status, watchdog: ${result:-no result}, live: ${value:-none}): $(step_errors) Inspect $state_root/$deploy_token/watchdog.log on $machine."
  fi
}

# One health check, tried every INTERVAL seconds until it passes or TIMEOUT seconds are used up, as a push deploy's
# are; its last failure is left in FILE.
check_until() { # TIMEOUT INTERVAL COMMAND FILE
  uptime_seconds
  check_end=$((now + $1))
  while :; do
    check_left=$((check_end - now))
    [ "$check_left" -gt 0 ] || check_left=1
    sh "$programs/agent" check "$deploy_token" "$check_left" "$3" > /dev/null 2> "$4" 9>&-
    check_status=$?
    [ "$check_status" != 0 ] || { rm -f "$4"; return 0; }
    printf '(exit %s)\n' "$check_status" >> "$4"
    uptime_seconds
    [ $((now + $2)) -lt "$check_end" ] || return 1
    sleep "$2"
    uptime_seconds
  done
}

# Runs the health checks side by side; sets failures to what did not pass (nothing when all passed) and check_budget
# to the longest timeout among them.
health_checks() {
  check_timeout='' check_interval='' check_command=''
  i=0
  while [ "$i" -lt "$check_count" ]; do
    eval "check_timeout=\$check_${i}_timeout check_interval=\$check_${i}_interval check_command=\$check_${i}_command"
    check_until "$check_timeout" "$check_interval" "$check_command" "$pull_root/check-$i" &
    i=$((i + 1))
  done
  wait
  failures=''
  i=0
  while [ "$i" -lt "$check_count" ]; do
    if [ -e "$pull_root/check-$i" ]; then
      eval "check_timeout=\$check_${i}_timeout check_command=\$check_${i}_command"
      failures="$failures health check $i ($check_command) did not pass within $check_timeout s; last: $(tr '\n' ' ' < "$pull_root/check-$i")"
      rm -f "$pull_root/check-$i"
    fi
    i=$((i + 1))
  done
}

# The desired state in $pull_root/response, applied; run in a subshell, so that the steps' exits end only this
# deploy, and the deploy lock (fd 9) goes with it. Its exit status: exit_locked or exit_watchdog_pending when the host
# was busy (asked again later), else exit_ok (the deployment is done with, however it ended).
deploy() {
  lock_for_deploy
  current_system
  previous=$current
  resolve_link "$system_profile"
  if [ "$current" = "$toplevel" ] && [ "$resolved" = "$toplevel" ]; then
    report "$deployment_id" lock unchanged
    exit "$exit_ok"
  fi

  report "$deployment_id" copy running
  # Only the listed substituters, only the listed keys, signatures required: an unsigned, wrongly signed or tampered
  # path is refused and nothing is activated. No negative caching: a path pushed a moment ago is found.
  if ! nix-store --realise "$toplevel" --option substituters "$substituters" --option trusted-public-keys "$public_keys" \
    --option require-sigs true --option netrc-file "$pull_root/netrc" --option narinfo-cache-negative-ttl 0 \
    > /dev/null 2> "$pull_root/substitute.err"; then
    report "$deployment_id" copy failed ND5070 "$toplevel could not be substituted from $substituters trusting only $public_keys; nothing was activated: $(tail -n 5 "$pull_root/substitute.err" | tr '\n' ' ')"
    exit "$exit_ok"
  fi
  report "$deployment_id" copy succeeded

  # The watchdog's deadlines, as a push deploy's (Deploy.Remote.ActivationLimits): armed for the activation, its
  # kill grace and the confirm timeout; after activation for the health checks and the confirm timeout.
  check_budget=0
  i=0
  while [ "$i" -lt "$check_count" ]; do
    eval "check_timeout=\$check_${i}_timeout"
    [ "$check_timeout" -le "$check_budget" ] || check_budget=$check_timeout
    i=$((i + 1))
  done
  rollback_wait=$((3 * (activation_timeout + 5) + 10))
  deploy_token=$(date -u +%Y%m%dT%H%M%SZ)-pull-$(printf '%s' "$deployment_id" | tr -c 'A-Za-z0-9-' '-')
  # What switch-to-configuration and the health checks printed goes to this agent's log once the deploy is over.
  trap 'sh "$programs/agent" log "$deploy_token" >&2 9>&-' EXIT
  report "$deployment_id" activate running
  agent_step activate "$deploy_token" "$toplevel" "$activation_timeout" $((activation_timeout + 5 + confirm_timeout)) \
    $((check_budget + confirm_timeout)) "$watchdog_program" switch
  step_value current
  case $status in
    0) if [ "$value" = "$toplevel" ]; then code=''; else code=ND5020; fi
       why="switch-to-configuration test exited 0, but the live system is '${value:-none}'." ;;
    "$exit_activation_failed") code=ND5004 why="Activating $toplevel failed: $(step_errors)" ;;
    "$exit_activation_timed_out") code=ND5005 why="Activating $toplevel did not finish within $activation_timeout s; it was killed. $(step_errors)" ;;
    *) code=ND5010 why="'nixdeploy-agent activate' failed (exit $status): $(step_errors)" ;;
  esac
  if ! grep -q '^previous=' "$pull_root/step.out"; then
    report "$deployment_id" activate failed "$code" "$why Nothing was changed."
    exit "$exit_ok"
  fi
  [ -z "$code" ] || { roll_back "$code" "$why"; exit "$exit_ok"; }
  report "$deployment_id" activate succeeded

  if [ "$check_count" -gt 0 ]; then
    report "$deployment_id" health-checks running
    health_checks
    [ -z "$failures" ] || { roll_back ND5006 "$machine:$failures."; exit "$exit_ok"; }
    report "$deployment_id" health-checks succeeded
  fi

  # Until the server answers 200, or the watchdog claimed the deploy at its deadline (and rolls back).
  report "$deployment_id" confirm running
  printf '{"deploymentId":"%s"}\n' "$deployment_id" > "$pull_root/confirm.json"
  while [ ! -d "$state_root/$deploy_token/claim" ]; do
    api POST "/api/v1/machines/$machine/confirm" 5 "$pull_root/confirm.json"
    case $http_code in
      200) break ;;
      409) roll_back ND8131 "The server no longer wants deployment $deployment_id on $machine (a newer deployment took its place): $(cat "$pull_root/response")"; exit "$exit_ok" ;;
    esac
    sleep 1
  done
  if [ "$http_code" != 200 ]; then
    roll_back ND5071 "The server did not confirm deployment $deployment_id within $confirm_timeout s (confirmTimeoutSeconds) after the health checks (last answer: HTTP $http_code $(tr '\n' ' ' < "$pull_root/curl.err")), so the watchdog rolled $machine back."
    exit "$exit_ok"
  fi
  report "$deployment_id" confirm succeeded

  agent_step finish "$deploy_token" "$toplevel" "$activation_timeout" 1 switch
  step_value current
  case $status in
    0) if [ "$value" = "$toplevel" ]; then
         report "$deployment_id" boot succeeded
       else
         report "$deployment_id" boot failed ND5010 "After confirming, the live system of $machine is '${value:-none}', not $toplevel."
       fi ;;
    "$exit_boot_entry_failed") roll_back ND5007 "Making $toplevel the boot default on $machine failed: $(step_errors)" ;;
    "$exit_confirmation_too_late") roll_back ND5008 "The confirmation reached $machine after its watchdog's deadline, so the host rolled back by itself." ;;
    *) roll_back ND5010 "'nixdeploy-agent finish' failed (exit $status): $(step_errors)" ;;
  esac
  exit "$exit_ok"
}

write_credentials
# The deployment this host is done with (applied, unchanged, failed or rolled back): asked about again only when a
# newer one is desired. It lives in /run, so after a reboot the desired deployment is tried once more.
known=''
read -r known 2>/dev/null < "$pull_root/known"
log "polling $server for the desired state of $machine"
while :; do
  deliver_reports
  api GET "/api/v1/machines/$machine/desired?wait=$poll_wait&known=$known" $((poll_wait + 30))
  case $http_code in
    200) ;;
    204) continue ;;
    000) log "cannot reach $server: $(tr '\n' ' ' < "$pull_root/curl.err")"; sleep "$retry_wait"; continue ;;
    *) log "the server answered HTTP $http_code: $(cat "$pull_root/response")"; sleep "$retry_wait"; continue ;;
  esac
  if ! NIXDEPLOY_DESIRED=$pull_root/response nix_eval "$desired_nix" > "$pull_root/desired.sh" 2> "$pull_root/desired.err"; then
    log "the server's desired state cannot be used: $(tr '\n' ' ' < "$pull_root/desired.err")"
    sleep "$retry_wait"
    continue
  fi
  # The assignments nix wrote, each value single-quoted (the checks' as check_I_command, _timeout, _interval).
  deployment_id='' toplevel='' substituters='' public_keys='' activation_timeout='' confirm_timeout='' check_count=0
  # shellcheck source=/dev/null
  . "$pull_root/desired.sh"
  ( deploy )
  case $? in
    "$exit_locked" | "$exit_watchdog_pending") sleep "$retry_wait" ;;
    *) known=$deployment_id; printf '%s\n' "$known" > "$pull_root/known" ;;
  esac
  # The deploy's log (what switch-to-configuration and the health checks printed) goes to this agent's log.
done
