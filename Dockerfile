# kutip as a small, static, non-root image: `docker compose up -d` (see
# docker-compose.yml and the README's "Docker").
#
# The final image holds the binary and nothing else: no shell, no package
# manager. The embedded article works with no volume; your articles are
# mounted read-only at /corpus (CORPUS_DIR=/corpus) and the index is kept on
# the volume /data.
#
# Base images are pinned by exact tag. A digest would pin them harder, but
# it cannot be read or checked where no registry is reachable (this
# project's machines); to pin one, `docker pull` the tag and add
# @sha256:... from `docker inspect --format '{{index .RepoDigests 0}}'`.
# There is no "# syntax=" line: BuildKit's built-in Dockerfile frontend
# (Docker 20.10 and later) reads everything here, so no frontend image is
# pulled. Building needs BuildKit (the default since Docker 23) for the
# cache mounts.

FROM golang:1.26.8-bookworm AS build
WORKDIR /src
ENV GOTOOLCHAIN=local
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
# The build settings (CGO_ENABLED=0, -trimpath, -ldflags "-s -w") live in
# build/go.env, which docker_test.go also builds with: the binary tested
# without Docker is the binary shipped.
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
	set -a && . ./build/go.env && set +a && \
	go build -o /out/kutip . && \
	/out/kutip ask "when did Russia ratify?" >/dev/null && \
	mkdir /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/kutip /kutip
# An empty /data owned by the unprivileged user, so that a new volume there
# is writable by it; the same for /feedback, where docker-compose.replicas.yml
# mounts the feedback file that its replicas share (FEEDBACK_FILE).
COPY --from=build --chown=65532:65532 /out/data /data
COPY --from=build --chown=65532:65532 /out/data /feedback
ENV INDEX_DIR=/data \
	HEARTBEAT_FILE=/tmp/kutip-heartbeat.json \
	LOG_FORMAT=json
VOLUME ["/data"]
# distroless's "nonroot" user, by number so that runAsNonRoot checks pass.
USER 65532:65532
# The binary is its own health check: no shell here to run anything else.
# It asks HEALTH_ADDR's /healthz when set, else reads the heartbeat file.
HEALTHCHECK --interval=30s --timeout=5s --start-period=2m --retries=3 \
	CMD ["/kutip", "health"]
ENTRYPOINT ["/kutip"]
CMD ["serve"]
