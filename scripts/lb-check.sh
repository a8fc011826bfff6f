#!/usr/bin/env bash
# kutip behind a real load balancer: Debian's nginx in front of three
# HTTP-only `kutip serve` replicas (GATEWAY=off) sharing one read-only index,
# the fake Discord posting signed interactions through nginx, one replica
# killed mid-run (internal/lbcheck TestFailover), one restarted with SIGTERM
# (TestRollingRestart), about a minute in all; and the
# deploy/ files (nginx.conf, k8s, docker-compose.replicas.yml) checked.
#
#   scripts/lb-check.sh            # the failover check
#   scripts/lb-check.sh figures    # also measure throughput and memory (about a minute)
#
# Installs nginx-light with apt-get when no nginx is on PATH (as root, or
# through sudo). Needs Go; runs from a clean clone.
set -euo pipefail
cd "$(dirname "$0")/.."

# nginx for the load balancer; kubectl (Debian's kubernetes-client) only to
# parse deploy/k8s offline for TestKubernetesManifests.
need=()
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
	need+=(nginx-light)
fi
if ! command -v kubectl >/dev/null 2>&1; then
	need+=(kubernetes-client)
fi
if [ ${#need[@]} -gt 0 ]; then
	sudo=""
	if [ "$(id -u)" != 0 ]; then
		sudo=sudo
	fi
	echo "== installing ${need[*]} (apt-get)"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
export PATH="$PATH:/usr/sbin"
nginx -v

run='^(TestFailover|TestRollingRestart|TestNginxConfMatchesDeploy|TestKubernetesManifests|TestComposeReplicas)$'
if [ "${1:-}" = figures ]; then
	run='^(TestFailover|TestRollingRestart|TestNginxConfMatchesDeploy|TestKubernetesManifests|TestComposeReplicas|TestFigures)$'
	export KUTIP_FIGURES=1
fi
KUTIP_NGINX=1 go test -count=1 -timeout 10m -v -run "$run" ./internal/lbcheck/ |
	grep -v '^=== RUN'
