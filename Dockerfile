# syntax=docker/dockerfile:1
#
# rolecall: build the release binary, then copy it into a small Debian image.
#
#   docker build -t rolecall:local .
#   docker run -d --env-file .env -v rolecall-data:/app/data rolecall:local
#
# See docs/deploy.md. No secrets are baked in: the token and database URL come from the
# environment at run time (.env is excluded by .dockerignore).

ARG RUST_VERSION=1

FROM rust:${RUST_VERSION}-bookworm AS builder
WORKDIR /build
# Cargo.toml declares [[test]] and [[bench]] targets, so cargo needs tests/ and benches/ to
# exist to read the manifest. migrations/ is embedded into the binary at compile time.
# knowledge/ is not needed to compile; the runtime stage copies it.
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY migrations ./migrations
COPY assets ./assets
COPY benches ./benches
COPY tests ./tests
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,target=/build/target,sharing=locked \
    cargo build --release --locked --bin rolecall \
 && cp target/release/rolecall /usr/local/bin/rolecall

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 rolecall \
 && useradd --system --uid 10001 --gid rolecall --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin rolecall
WORKDIR /app
COPY --from=builder /usr/local/bin/rolecall /usr/local/bin/rolecall
# The shipped knowledge; mount a folder over /app/knowledge to use (and live-edit) your own.
COPY knowledge /app/knowledge
# The default DATABASE_URL, sqlite://data/rolecall.db, resolves to /app/data/rolecall.db.
RUN mkdir -p /app/data && chown rolecall:rolecall /app/data
ENV KNOWLEDGE_DIR=/app/knowledge
VOLUME ["/app/data"]
USER rolecall:rolecall
# rolecall closes its Discord connections and exits on SIGTERM.
STOPSIGNAL SIGTERM
# No arguments: the bot (with DISCORD_TOKEN set). Arguments run a command, e.g. `check`.
ENTRYPOINT ["/usr/local/bin/rolecall"]
