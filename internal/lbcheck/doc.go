// Package lbcheck checks kutip behind a real load balancer, as it runs when
// one process is not enough: several `kutip serve` replicas taking
// Discord's HTTP interactions (GATEWAY=off, INTERACTIONS_ADDR,
// DISCORD_PUBLIC_KEY), sharing one read-only index folder (INDEX_DIR),
// behind nginx, with internal/discordtest's fake Discord signing and
// posting the interactions through nginx and serving the webhook that
// deferred answers are edited through.
//
// The package holds only tests, and they need the nginx binary, so they
// run only when KUTIP_NGINX=1; scripts/lb-check.sh installs Debian's
// nginx-light and runs them. TestFailover kills one replica mid-run and
// checks that every interaction was answered exactly once or failed
// cleanly (no answer at all), never answered twice; TestRollingRestart
// stops one with SIGTERM and starts it again, and nothing may fail.
// TestKubernetesManifests and TestComposeReplicas check deploy/k8s and
// docker-compose.replicas.yml without nginx (the first needs kubectl). With
// KUTIP_FIGURES=1, TestFigures measures interactions per second and the
// HTTP response time for one replica alone and for 1, 2 and 3 behind
// nginx, and each replica's memory; docs/scaling.md has the figures.
//
// The nginx configuration the tests use (nginxConf) is the one
// deploy/nginx.conf ships, with the addresses filled in; a test checks
// that they agree on the directives that decide failover.
package lbcheck
