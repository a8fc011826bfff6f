#!/usr/bin/env bash
# The container check: build kutip's image from the real build context with
# a real Docker engine, answer a question with it, then run it the two ways
# the README says — `docker compose up -d` and `docker run --env-file .env`
# — against a fake Discord until the container is healthy and has answered
# a slash command. Then docker-compose.replicas.yml: its index job, three
# HTTP-only replicas, the gateway process and nginx, a replica killed while
# the fake Discord posts interactions through nginx.
#
#   sudo bash scripts/container-check.sh      (needs root: it runs dockerd)
#
# It installs what it needs from Debian (docker.io, busybox-static,
# nginx-light), starts its own dockerd on a private socket and data root
# (any other engine on the machine is left alone), and removes everything
# it made when it ends.
#
# Built for machines without a registry, such as this project's:
#  - No bridge network: traffic to Docker's private 172.17.0.0/16 is not
#    allowed there, so dockerd runs with --bridge=none and every build and
#    container uses the host's network. The fake Discord listens on
#    127.0.0.1, which a host-network container reaches.
#  - Base images cannot be pulled, so when the Dockerfile's tags are not
#    already present, local STAND-INS are made under the same tags with
#    `docker import` (and the output says so): for golang, busybox plus this
#    machine's Go toolchain; for distroless, a root file system with only
#    /etc/passwd (nonroot, 65532), /etc/group and /tmp; for the replicas
#    compose file's nginx, Debian's nginx-light (binary, shared libraries,
#    mime.types, passwd/group). The Dockerfile is built as it is.
#  - Debian's Docker Compose is v1, which lacks env_file's `required` that
#    docker-compose.yml uses, so unless `docker compose` v2 is installed,
#    Compose v2 is built from its Go module (the Go module proxy is
#    reachable) and kept in ~/.cache/kutip for the next run.
#
# Set KUTIP_KEEP=1 to keep the engine's data root for a look afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export GOTOOLCHAIN=local
COMPOSE_VERSION=v2.40.3

started=$(date +%s)
step() { printf '\n== [%3ss] %s\n' "$(($(date +%s) - started))" "$*"; }

work=$(mktemp -d /tmp/kutip-container-check.XXXXXX)
dockerd_pid=
cleanup() {
	local rc=$?
	set +e
	if [ -n "$dockerd_pid" ]; then
		step "clean up: containers, images, volumes, the engine"
		docker ps -aq | xargs -r /usr/bin/docker rm -f >/dev/null
		docker volume ls -q | xargs -r /usr/bin/docker volume rm >/dev/null
		# Images and the build cache live in the engine's own data root,
		# which goes as a whole below.
		kill "$dockerd_pid"
		wait "$dockerd_pid" 2>/dev/null
		# What the engine leaves mounted under its folders (the host
		# network's namespace handle), so that they can be removed.
		awk -v w="$work/" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r umount -l
	fi
	if [ "${KUTIP_KEEP:-}" = 1 ]; then
		echo "kept $work"
	else
		rm -rf "$work"
	fi
	exit "$rc"
}
trap cleanup EXIT

if [ "$(id -u)" != 0 ]; then
	echo "container check: needs root to install packages and run dockerd" >&2
	exit 2
fi

step "install docker.io, busybox-static and nginx-light (Debian)"
if ! [ -x /usr/sbin/dockerd ] || ! [ -x /usr/bin/docker ] || ! [ -x /bin/busybox ] ||
	! /bin/busybox --list | grep -qx sh || ! [ -x /usr/sbin/nginx ]; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io busybox-static nginx-light >/dev/null
fi
# Debian's client: it has BuildKit built in, where a newer client would
# need the buildx plugin, which Debian does not ship.
export DOCKER=/usr/bin/docker DOCKER_BUILDKIT=1
docker() { /usr/bin/docker "$@"; }
/usr/bin/docker --version

step "start dockerd (no bridge network, private socket and data root)"
/usr/sbin/dockerd --bridge=none --iptables=false --ip6tables=false \
	--data-root "$work/engine" --exec-root "$work/exec" --pidfile "$work/dockerd.pid" \
	-H "unix://$work/docker.sock" >"$work/dockerd.log" 2>&1 &
dockerd_pid=$!
export DOCKER_HOST="unix://$work/docker.sock"
for _ in $(seq 60); do
	if docker info >/dev/null 2>&1 || ! kill -0 "$dockerd_pid" 2>/dev/null; then
		break
	fi
	sleep 1
done
if ! docker info >/dev/null 2>&1; then
	echo "dockerd did not start; its log ends:"
	tail -n 20 "$work/dockerd.log"
	if [ "${CI:-}" = true ]; then
		echo "SKIP: no Docker engine can start on this machine, so the container check did not run"
		dockerd_pid=
		exit 0
	fi
	exit 1
fi
docker info --format 'engine {{.ServerVersion}}, storage {{.Driver}}, cgroup {{.CgroupVersion}}'

golang_tag=$(sed -n 's/^FROM \(golang:[^ ]*\) AS build$/\1/p' Dockerfile)
distroless_tag=$(sed -n 's/^FROM \(gcr\.io\/distroless\/[^ ]*\)$/\1/p' Dockerfile)
if [ -z "$golang_tag" ] || [ -z "$distroless_tag" ]; then
	echo "cannot read the base images' tags from the Dockerfile's FROM lines" >&2
	exit 1
fi
nginx_tag=$(sed -n 's/^    image: \(nginx:[^ ]*\)$/\1/p' docker-compose.replicas.yml)
if [ -z "$nginx_tag" ]; then
	echo "cannot read nginx's image tag from docker-compose.replicas.yml (a line \"    image: nginx:...\")" >&2
	exit 1
fi

step "base images $golang_tag, $distroless_tag and $nginx_tag"
busybox_tree() { # $1: a root file system to give /bin/sh and friends
	mkdir -p "$1/bin"
	cp /bin/busybox "$1/bin/busybox"
	for applet in $(/bin/busybox --list); do
		[ -e "$1/bin/$applet" ] || ln -s busybox "$1/bin/$applet"
	done
}
if docker image inspect "$golang_tag" >/dev/null 2>&1 || docker pull -q "$golang_tag" >/dev/null 2>&1; then
	echo "$golang_tag: the real image"
else
	echo "STAND-IN: $golang_tag cannot be pulled here; making a local stand-in from busybox and this machine's $(go version | cut -d' ' -f3)"
	# Modules: the Dockerfile's `go mod download` runs with a cache mount
	# at /go/pkg/mod, which starts empty and hides anything the image has
	# there, and the build has no route to the module proxy. So the stand-in
	# carries a module proxy instead: GOPROXY=file:///goproxy, holding
	# exactly the modules go.mod needs, taken from this machine's module
	# cache (which `go mod download` fills from the real proxy). It is the
	# proxy protocol the real image uses, and go.sum still checks every
	# module.
	go mod download
	host_modcache=$(go env GOMODCACHE)
	GOFLAGS=-mod=mod GOMODCACHE="$work/modcache" GOPROXY="file://$host_modcache/cache/download" \
		GOSUMDB=off go mod download
	rootfs="$work/golang-rootfs"
	busybox_tree "$rootfs"
	mkdir -p "$rootfs/usr/local" "$rootfs/tmp" "$rootfs/root" "$rootfs/go" "$rootfs/etc"
	chmod 1777 "$rootfs/tmp"
	cp -a "$(go env GOROOT)" "$rootfs/usr/local/go"
	cp -a "$work/modcache/cache/download" "$rootfs/goproxy"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$rootfs/etc/passwd"
	echo 'root:x:0:' >"$rootfs/etc/group"
	tar -C "$rootfs" -c . | docker import \
		-c 'ENV PATH=/go/bin:/usr/local/go/bin:/bin' -c 'ENV GOPATH=/go' -c 'ENV HOME=/root' \
		-c 'ENV GOTOOLCHAIN=local' -c 'ENV GOPROXY=file:///goproxy' \
		-c 'WORKDIR /go' -c 'CMD ["/bin/sh"]' \
		-m "kutip container check: stand-in for $golang_tag" - "$golang_tag" >/dev/null
	rm -rf "$rootfs" "$work/modcache"
fi
if docker image inspect "$distroless_tag" >/dev/null 2>&1 || docker pull -q "$distroless_tag" >/dev/null 2>&1; then
	echo "$distroless_tag: the real image"
else
	echo "STAND-IN: $distroless_tag cannot be pulled here; making a local stand-in (only /etc/passwd, /etc/group, /tmp)"
	rootfs="$work/distroless-rootfs"
	mkdir -p "$rootfs/etc" "$rootfs/tmp" "$rootfs/home/nonroot"
	chmod 1777 "$rootfs/tmp"
	chown 65532:65532 "$rootfs/home/nonroot"
	printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' 'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' \
		'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' >"$rootfs/etc/passwd"
	printf '%s\n' 'root:x:0:' 'nobody:x:65534:' 'nonroot:x:65532:' >"$rootfs/etc/group"
	tar -C "$rootfs" -c . | docker import \
		-c 'USER 65532' -c 'WORKDIR /home/nonroot' -c 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
		-m "kutip container check: stand-in for $distroless_tag" - "$distroless_tag" >/dev/null
	rm -rf "$rootfs"
fi

if docker image inspect "$nginx_tag" >/dev/null 2>&1 || docker pull -q "$nginx_tag" >/dev/null 2>&1; then
	echo "$nginx_tag: the real image"
else
	echo "STAND-IN: $nginx_tag cannot be pulled here; making a local stand-in from this machine's Debian nginx-light ($(/usr/sbin/nginx -v 2>&1 | cut -d' ' -f3)): the binary, its shared libraries, mime.types"
	# As the real image: nginx in the foreground as root, its workers as
	# an unprivileged user, logs to the container's output. No folder for
	# the compiled-in temp and pid paths (/var/lib/nginx, /run): under
	# read_only, deploy/nginx.conf must put them in /tmp, as the real
	# image needs too.
	rootfs="$work/nginx-rootfs"
	mkdir -p "$rootfs/usr/sbin" "$rootfs/etc/nginx" "$rootfs/tmp" "$rootfs/var/log/nginx"
	chmod 1777 "$rootfs/tmp"
	cp /usr/sbin/nginx "$rootfs/usr/sbin/nginx"
	for lib in $(ldd /usr/sbin/nginx | grep -o '/[^ ]*'); do
		mkdir -p "$rootfs$(dirname "$lib")"
		cp -L "$lib" "$rootfs$lib"
	done
	cp /etc/nginx/mime.types "$rootfs/etc/nginx/mime.types"
	ln -s /dev/stderr "$rootfs/var/log/nginx/error.log"
	ln -s /dev/stdout "$rootfs/var/log/nginx/access.log"
	printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' 'nginx:x:101:101:nginx:/nonexistent:/sbin/nologin' \
		'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' >"$rootfs/etc/passwd"
	printf '%s\n' 'root:x:0:' 'nginx:x:101:' 'nogroup:x:65534:' >"$rootfs/etc/group"
	tar -C "$rootfs" -c . | docker import \
		-c 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin' -c 'EXPOSE 80' \
		-c 'CMD ["nginx", "-g", "daemon off;"]' \
		-m "kutip container check: stand-in for $nginx_tag" - "$nginx_tag" >/dev/null
	rm -rf "$rootfs"
	# The binary finds its libraries in there.
	docker run --rm --network none "$nginx_tag" nginx -v
fi

step "docker build from the real context (.dockerignore applied by Docker)"
docker build --network host --progress plain -t kutip:latest . >"$work/build.log" 2>&1 || {
	tail -n 40 "$work/build.log"
	exit 1
}
grep -E '^#[0-9]+ (DONE|CACHED)|naming to' "$work/build.log" | tail -n 3
docker image inspect kutip:latest --format 'kutip:latest {{.Size}} bytes, user {{.Config.User}}, entrypoint {{.Config.Entrypoint}}'

step 'docker run --rm --network host kutip:latest ask "when did Russia ratify?"'
answer=$(docker run --rm --network host kutip:latest ask "when did Russia ratify?")
echo "$answer" | head -n 2
if ! echo "$answer" | head -n 1 | grep -q '\*\*6 November\*\*'; then
	echo "the image's first answer does not hold 6 November" >&2
	exit 1
fi

step "Docker Compose v2"
export DOCKER_CONFIG="$work/docker-config"
mkdir -p "$DOCKER_CONFIG/cli-plugins"
compose_bin=
for c in /usr/libexec/docker/cli-plugins/docker-compose /usr/local/lib/docker/cli-plugins/docker-compose; do
	if [ -x "$c" ] && "$c" version 2>/dev/null | grep -q ' v2\.\(2[4-9]\|[3-9][0-9]\)'; then
		compose_bin=$c
	fi
done
if [ -z "$compose_bin" ]; then
	compose_bin="$HOME/.cache/kutip/docker-compose-$COMPOSE_VERSION"
	if ! [ -x "$compose_bin" ]; then
		echo "building Compose $COMPOSE_VERSION from its Go module (Debian has v1 only; a few minutes)"
		src=$(go mod download -json "github.com/docker/compose/v2@$COMPOSE_VERSION" |
			sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
		cp -r "$src" "$work/compose-src"
		chmod -R u+w "$work/compose-src"
		mkdir -p "$(dirname "$compose_bin")"
		(cd "$work/compose-src" && CGO_ENABLED=0 go build -trimpath \
			-ldflags "-s -w -X github.com/docker/compose/v2/internal.Version=$COMPOSE_VERSION" \
			-o "$compose_bin.tmp" ./cmd)
		mv "$compose_bin.tmp" "$compose_bin"
		rm -rf "$work/compose-src"
	fi
fi
ln -s "$compose_bin" "$DOCKER_CONFIG/cli-plugins/docker-compose"
docker compose version

step "docker compose up -d, the README's docker run, and the replicas compose file, against a fake Discord"
# The Go test starts the fake Discord in its own process, runs both and
# plays a user: see internal/containercheck.
KUTIP_CONTAINER_CHECK=1 go test -count=1 -v -timeout 15m ./internal/containercheck/ 2>&1 | tee "$work/compose.log" |
	grep -E '^(=== RUN|--- |\s+\S+\.go:[0-9]+:|ok|FAIL|PASS)'
grep -q '^ok' "$work/compose.log"

step "ok: the image builds, answers, and reaches healthy under Compose and docker run; the replicas compose file answers through nginx"
