# Shared by scripts/bench-real.sh and scripts/bench-memory.sh (sourced, not
# run): installs the Debian packages they need, builds the Go tools, serves
# a folder with nginx on a free loopback port from a config in a temp
# folder, runs commands under the DNS sandbox and measures them with
# /usr/bin/time. Everything it starts is stopped, and the temp folder
# removed, when the sourcing script exits.

# bench_init makes the work folder and installs the cleanup trap.
bench_init() {
	work=$(mktemp -d "${TMPDIR:-/tmp}/arkisto-bench.XXXXXX")
	# nginx's workers run as nobody: they must be able to walk into the folder.
	chmod 755 "$work"
	bench_pids=()
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
}

bench_cleanup() {
	local pid
	for pid in "${bench_pids[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	if [[ -n "${KEEP:-}" ]]; then
		echo "kept $work" >&2
	else
		rm -rf "$work"
	fi
}

# bench_install COMMAND:PACKAGE... installs the Debian packages of the
# commands that are missing.
bench_install() {
	local want=() pair
	for pair in "$@"; do
		command -v "${pair%%:*}" >/dev/null || want+=("${pair#*:}")
	done
	((${#want[@]})) || return 0
	echo "== installing ${want[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	local log=$work/apt.log
	if ! apt-get install -y -q --no-install-recommends "${want[@]}" >"$log" 2>&1; then
		apt-get update -q >>"$log" 2>&1
		apt-get install -y -q --no-install-recommends "${want[@]}" >>"$log" 2>&1 || {
			cat "$log" >&2
			return 1
		}
	fi
}

# bench_build puts arkisto, benchsite and barefetch into $work/bin.
bench_build() {
	mkdir -p "$work/bin"
	go build -o "$work/bin/arkisto" .
	go build -o "$work/bin/benchsite" ./scripts/benchsite
	go build -o "$work/bin/barefetch" ./scripts/barefetch
}

# bench_build_base REV puts the arkisto of git revision REV into
# $work/bin/arkisto-base, to crawl beside this tree's.
bench_build_base() {
	echo "== building the arkisto of $1" >&2
	mkdir -p "$work/base-src"
	git archive "$1" | tar -x -C "$work/base-src"
	(cd "$work/base-src" && go build -o "$work/bin/arkisto-base" .)
}

# bench_sandbox_init sets sandbox, the command every crawl runs under so
# that names of outside hosts fail at once with NXDOMAIN and no query
# leaves the machine: SANDBOX, else /work/shared/tools/sandbox.sh, else
# our own private mount namespace whose resolv.conf names a local server
# answering NXDOMAIN to everything.
bench_sandbox_init() {
	bench_install ss:iproute2 unshare:util-linux
	sandbox=${SANDBOX:-/work/shared/tools/sandbox.sh}
	if [[ -x "$sandbox" ]]; then
		"$sandbox" true # starts its DNS server now, outside any measurement
		return
	fi
	sandbox=$work/sandbox.sh
	if ! ss -lun | grep -q '127.0.0.1:53 '; then
		python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53))
while True:
    q, peer = s.recvfrom(4096)
    if len(q) >= 12:  # same id and question, QR and RA set, RD copied, RCODE 3 (NXDOMAIN)
        s.sendto(q[:2] + bytes([0x80 | (q[2] & 0x79), 0x83]) + q[4:6] + bytes(6) + q[12:], peer)
' &
		bench_pids+=($!)
		sleep 0.3
	fi
	echo "nameserver 127.0.0.1" >"$work/resolv.conf"
	cat >"$sandbox" <<-EOF
		#!/bin/sh
		exec unshare -m sh -c 'mount --bind "$work/resolv.conf" /etc/resolv.conf && exec "\$@"' sandbox "\$@"
	EOF
	chmod +x "$sandbox"
	"$sandbox" true
}

bench_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# bench_serve GENERATE: picks a free port, runs "GENERATE PORT SITE_DIR" to
# fill the site folder, and serves it with nginx; sets port. Another
# process may take the port between the pick and nginx's bind, so it tries
# a few ports.
bench_serve() {
	local generate=$1 site=$work/site conf=$work/nginx try
	mkdir -p "$conf/tmp"
	for try in 1 2 3 4 5; do
		port=$(bench_free_port)
		rm -rf "$site"
		"$generate" "$port" "$site"
		cat >"$conf/nginx.conf" <<-EOF
			daemon off;
			worker_processes 1;
			pid $conf/nginx.pid;
			error_log $conf/error.log warn;
			events { worker_connections 1024; }
			http {
			  types {
			    text/html html; text/css css; text/plain txt; application/xml xml;
			    application/javascript js; image/jpeg jpg; image/png png; image/webp webp;
			    image/svg+xml svg; image/x-icon ico; font/woff2 woff2; video/mp4 mp4;
			  }
			  default_type application/octet-stream;
			  access_log off;
			  sendfile on;
			  tcp_nopush on;
			  keepalive_requests 100000;
			  client_body_temp_path $conf/tmp/body;
			  proxy_temp_path $conf/tmp/proxy;
			  fastcgi_temp_path $conf/tmp/fastcgi;
			  uwsgi_temp_path $conf/tmp/uwsgi;
			  scgi_temp_path $conf/tmp/scgi;
			  server {
			    listen 127.0.0.1:$port;
			    root $site;
			    index index.html;
			  }
			}
		EOF
		nginx -p "$conf" -e "$conf/error.log" -c "$conf/nginx.conf" &
		local pid=$!
		local i
		for i in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
				bench_pids+=("$pid")
				echo "== nginx serving $site on 127.0.0.1:$port" >&2
				return 0
			fi
			sleep 0.1
		done
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		echo "nginx did not start on port $port (try $try):" >&2
		tail -3 "$conf/error.log" >&2 || true
	done
	return 1
}

# bench_time OUT COMMAND...: runs COMMAND under /usr/bin/time and writes
# "wall cpu rss_kb" to OUT (seconds, user+system seconds, peak RSS in KiB).
bench_time() {
	local out=$1
	shift
	local status=0
	/usr/bin/time -f '%e %U %S %M' -o "$out.time" "$@" || status=$?
	# time prefixes a line when the command failed; the figures are the last line.
	tail -1 "$out.time" | awk '{ printf "%s %.2f %d\n", $1, $2 + $3, $4 }' >"$out"
	return "$status"
}

# bench_crawl DIR: one timed crawl by the arkisto command array (under the
# sandbox, from $seed) into DIR/coll; figures in DIR/arkisto.m as
# bench_time writes them, its log in DIR/arkisto.err.
bench_crawl() {
	local dir=$1
	mkdir -p "$dir"
	if ! bench_time "$dir/arkisto.m" "$sandbox" "${arkisto[@]}" --output "$dir/coll" "$seed" 2>"$dir/arkisto.err"; then
		tail -20 "$dir/arkisto.err" >&2
		return 1
	fi
}

# bench_median: the median of the numbers on stdin, one a line.
bench_median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# bench_fetched CRAWL_LOG: the URLs of crawl.log lines with an HTTP status.
bench_fetched() {
	awk '$2 > 0 { print $4 }' "$1"
}

# bench_active CRAWL_LOG: seconds from the first to the last crawl.log line
# with an HTTP status, the part of a crawl's wall time spent fetching.
bench_active() {
	local first last
	first=$(awk '$2 > 0 { print $1; exit }' "$1")
	last=$(awk '$2 > 0 { t = $1 } END { print t }' "$1")
	awk -v a="$(date -d "$first" +%s.%N)" -v b="$(date -d "$last" +%s.%N)" 'BEGIN { printf "%.2f\n", b - a }'
}
