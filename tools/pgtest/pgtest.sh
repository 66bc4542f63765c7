#!/usr/bin/env bash
# pgtest.sh CMD [ARGS…] — run CMD beside a throwaway PostgreSQL cluster.
#
# `make test` and `make bench` run the Go tests through this script so that
# the PostgreSQL hub store (sync/hubstore/postgres) and the hub on it are
# tested against a real server with nothing to set up: Debian's
# `postgresql` package (DEB_PKGS) gives the binaries; the cluster lives in a
# temporary directory, listens on 127.0.0.1 on a free port with trust
# authentication, and is stopped (pg_ctl -m immediate stop) and removed
# when CMD ends, whatever its outcome. CMD sees its address in
# XUNBANG_TEST_PG (a postgres:// URL of an empty database) and exits with
# CMD's status.
#
# initdb refuses to run as root: as root the cluster is made and run by the
# `postgres` user (which the Debian package creates), in a directory it owns.
# PGTEST_FSYNC=on keeps fsync on (benchmarks); tests run with it off.
set -u

bindir=""
for d in /usr/lib/postgresql/*/bin; do
	[ -x "$d/initdb" ] && bindir="$d"
done
if [ -z "$bindir" ] && command -v initdb >/dev/null; then
	bindir=$(dirname "$(command -v initdb)")
fi
if [ -z "$bindir" ]; then
	echo "pgtest: 找不到 PostgreSQL（initdb）；请安装 Debian 软件包 postgresql（make deps 会安装）。/ no PostgreSQL (initdb) here: install the Debian package postgresql (make deps does)." >&2
	exit 1
fi

as_pg() { "$@"; }
tmp=$(mktemp -d /tmp/xunbang-pgtest.XXXXXX)
if [ "$(id -u)" -eq 0 ]; then
	if ! id postgres >/dev/null 2>&1; then
		echo "pgtest: 以 root 运行需要 postgres 用户（postgresql 软件包会创建）。/ running as root needs the postgres user (the postgresql package creates it)." >&2
		rm -rf "$tmp"
		exit 1
	fi
	chown postgres "$tmp"
	as_pg() { runuser -u postgres -- "$@"; }
fi
data="$tmp/data"
cleanup() {
	as_pg "$bindir/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! as_pg "$bindir/initdb" -D "$data" -A trust -U postgres -E UTF8 --no-locale --no-sync >"$tmp/initdb.log" 2>&1; then
	echo "pgtest: initdb failed:" >&2
	cat "$tmp/initdb.log" >&2
	exit 1
fi
fsync=off
[ "${PGTEST_FSYNC:-off}" = on ] && fsync=on
port=""
for try in $(seq 1 20); do
	p=$((20000 + RANDOM % 40000))
	if as_pg "$bindir/pg_ctl" -D "$data" -w -t 60 -l "$tmp/server.log" \
		-o "-c listen_addresses=127.0.0.1 -p $p -c unix_socket_directories=$tmp -c fsync=$fsync -c max_connections=200" start >/dev/null 2>&1; then
		port=$p
		break
	fi
done
if [ -z "$port" ]; then
	echo "pgtest: the throwaway PostgreSQL did not start (20 ports tried):" >&2
	tail -20 "$tmp/server.log" >&2
	exit 1
fi
if ! as_pg "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres xunbang_test; then
	echo "pgtest: createdb failed" >&2
	exit 1
fi
export XUNBANG_TEST_PG="postgres://postgres@127.0.0.1:$port/xunbang_test?sslmode=disable"
echo "pgtest: throwaway PostgreSQL on 127.0.0.1:$port" >&2
"$@"
