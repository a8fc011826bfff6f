// Package containercheck holds the part of scripts/container-check.sh
// that plays Discord: its test starts a fake Discord (internal/discordtest)
// on 127.0.0.1, runs kutip's image the two ways the README says — `docker
// compose up -d` in a fresh copy of the project, and the README's `docker
// run --env-file .env` line — and waits until each container is healthy
// and has answered a slash command. It then runs docker-compose.replicas.yml
// (index job, three HTTP-only replicas, the gateway process, nginx) with a
// host-network override, posts signed /ask interactions through nginx,
// kills a replica mid-run (every interaction answered once or failed
// cleanly), votes, and reads the vote from the shared feedback volume with
// `kutip report`.
//
// It needs a Docker engine with host networking, the kutip:latest image's
// base images, and Compose v2.24 or later, which the script sets up; run on
// its own it skips unless KUTIP_CONTAINER_CHECK=1.
package containercheck
