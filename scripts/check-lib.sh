# shellcheck shell=bash
# What the integration checks share (scripts/pywb-check.sh, scripts/wacz-check.sh): messages,
# a scratch folder kept only on failure, servers started on loopback, waited for and stopped
# on exit. Source it after setting CHECK to the script's name; it sets WORK and START.

log() { echo "== $CHECK [$((SECONDS - ${START:-$SECONDS}))s]: $*"; }
fail() { echo "$CHECK: FAIL: $*" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/$CHECK.XXXXXX")
mkdir -p "$WORK/logs"
declare -A PID # name -> pid of each process started here and not yet reaped
START=$SECONDS

# stop NAME: SIGTERM, up to 10 s to exit, then SIGKILL; reaps it either way.
stop() {
	local name=$1 pid=${PID[$1]} i
	kill "$pid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	unset "PID[$name]"
}

cleanup() {
	local rc=$? name
	for name in "${!PID[@]}"; do
		stop "$name"
	done
	if ((rc == 0)); then
		rm -rf "$WORK"
	else
		echo "$CHECK: scratch files kept in $WORK" >&2
	fi
}
trap cleanup EXIT
# Turn signals into a failing exit, so cleanup sees a non-zero status.
trap 'exit 130' INT
trap 'exit 143' TERM

# died NAME MESSAGE: fail, showing NAME's log.
died() {
	echo "---- $WORK/logs/$1.log (last 60 lines)" >&2
	tail -n 60 "$WORK/logs/$1.log" >&2 || true
	fail "$1: $2"
}

# start NAME DIR CMD...: runs CMD in DIR in the background, output in logs/NAME.log.
start() {
	local name=$1 dir=$2
	shift 2
	(cd "$dir" && exec "$@") >"$WORK/logs/$name.log" 2>&1 &
	PID[$name]=$!
}

# wait_http NAME URL: wait (bounded by WAIT seconds) until URL answers 2xx, or fail with
# NAME's log.
wait_http() {
	local name=$1 url=$2 i
	for ((i = 0; i < WAIT * 5; i++)); do
		curl -fsS --max-time 2 -o /dev/null "$url" 2>/dev/null && return 0
		kill -0 "${PID[$name]}" 2>/dev/null || died "$name" "exited before answering $url"
		sleep 0.2
	done
	died "$name" "did not answer $url within ${WAIT}s"
}

# free_ports N: N free TCP ports on 127.0.0.1.
free_ports() {
	python3 -c '
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))' "$1"
}

# venv_ok VENV NAME==VERSION...: whether the venv holds exactly these versions.
venv_ok() {
	local venv=$1
	shift
	"$venv/bin/python" - "$@" 2>/dev/null <<-'EOF'
		import sys
		from importlib.metadata import version
		sys.exit(0 if all(version(n) == v for n, v in (p.split("==") for p in sys.argv[1:])) else 1)
	EOF
}

# ensure_venv VENV NAME==VERSION...: a venv at VENV holding these pinned packages,
# installed by pip only when one is missing or of another version.
ensure_venv() {
	local venv=$1
	shift
	if venv_ok "$venv" "$@"; then
		log "reusing $venv ($*)"
		return
	fi
	log "installing $* into $venv"
	if ! "$venv/bin/python" -c '' 2>/dev/null; then
		python3 -m venv --clear "$venv" || fail "python3 -m venv $venv failed (is the venv module installed?)"
	fi
	"$venv/bin/python" -m pip install --disable-pip-version-check --timeout 60 --retries 2 -q "$@" ||
		fail "pip could not install $* into $venv"
	venv_ok "$venv" "$@" || fail "$venv still lacks $* after pip install"
}
