# syntax=docker/dockerfile:1.7
#
# The Marketplace server and its built site, plus the sandbox emulators.
#
#   docker build -t marketplace .                        # the server (target `runtime`, the default)
#   docker build --target sandbox \
#     --build-context contracts=../shared/contracts \
#     -t marketplace-sandbox .                            # the Kill Bill and Condo emulators, the Cocorico loader
#
# docker-compose.yml builds both. The toolchain pins follow scripts/lib.sh:
# wasm-bindgen-cli 0.2.130 (must match the wasm-bindgen crate), Tailwind CSS
# and wasm-opt (binaryen 132) from package.json — never Debian's binaryen,
# whose wasm-opt breaks hydration. The site is built by scripts/lib.sh's
# build_site, exactly as scripts/run.sh builds it. SQL is checked against the
# committed .sqlx/ data, so no database is needed to build.

ARG RUST_VERSION=1.95
ARG NODE_VERSION=22
ARG DEBIAN_RELEASE=bookworm

FROM node:${NODE_VERSION}-${DEBIAN_RELEASE}-slim AS node

# ---------------------------------------------------------------------------
# Rust toolchain, wasm target, wasm-bindgen and Node (for the
# npm build tools). Changes rarely, so it caches well.
FROM rust:${RUST_VERSION}-${DEBIAN_RELEASE} AS toolchain
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
    && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
    && node --version && npm --version
RUN rustup target add wasm32-unknown-unknown
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    cargo install wasm-bindgen-cli --version 0.2.130
ENV SQLX_OFFLINE=true \
    CARGO_TERM_COLOR=never \
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
WORKDIR /src

# ---------------------------------------------------------------------------
# The release server and the site (wasm, JavaScript, CSS, assets).
FROM toolchain AS builder
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
ENV PATH=/src/node_modules/.bin:$PATH
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    bash -c 'source scripts/lib.sh && build_site' \
    && cargo build --release --locked --bin marketplace \
    && mkdir -p /out \
    && cp target/release/marketplace /out/marketplace \
    && cp -r target/site /out/site

# ---------------------------------------------------------------------------
# The sandbox binary (Kill Bill and Condo emulators, Cocorico loader).
FROM toolchain AS sandbox-builder
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p sandbox \
    && mkdir -p /out \
    && cp target/release/sandbox /out/sandbox

# ---------------------------------------------------------------------------
# The sandbox image. Its contracts (Kill Bill's Swagger file, Condo's GraphQL
# schema) come from the named build context `contracts` (../shared/contracts).
FROM debian:${DEBIAN_RELEASE}-slim AS sandbox
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl socat \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 sandbox \
    && useradd --system --uid 10001 --gid sandbox --home-dir /app --shell /usr/sbin/nologin sandbox
WORKDIR /app
COPY --from=sandbox-builder /out/sandbox /usr/local/bin/sandbox
COPY --from=contracts killbill/kbswagger.yaml /app/contracts/killbill/kbswagger.yaml
COPY --from=contracts condo/schema.graphql /app/contracts/condo/schema.graphql
ENV KILLBILL_SWAGGER=/app/contracts/killbill/kbswagger.yaml
USER sandbox:sandbox
ENTRYPOINT ["sandbox"]

# ---------------------------------------------------------------------------
# The server image: the binary, the site, a non-root user. Private signing
# keys live in /var/lib/marketplace/keys (a volume in docker-compose.yml);
# `marketplace keys generate` writes the public key next to them.
FROM debian:${DEBIAN_RELEASE}-slim AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 marketplace \
    && useradd --system --uid 10001 --gid marketplace --home-dir /app --shell /usr/sbin/nologin marketplace \
    && mkdir -p /var/lib/marketplace/keys /app/logs/integration \
    && chown -R marketplace:marketplace /var/lib/marketplace /app/logs \
    && chmod 0700 /var/lib/marketplace/keys
WORKDIR /app
COPY --from=builder /out/marketplace /usr/local/bin/marketplace
COPY --from=builder /out/site /app/site
ENV MARKETPLACE_HOST=0.0.0.0 \
    MARKETPLACE_PORT=3101 \
    MARKETPLACE_SITE_ROOT=/app/site \
    MARKETPLACE_KEYS_DIR=/var/lib/marketplace/keys \
    MARKETPLACE_PUBLIC_KEY_PATH=/var/lib/marketplace/public.pem \
    MARKETPLACE_LOG_DIR=/app/logs/integration \
    MARKETPLACE_LOG_FORMAT=json
USER marketplace:marketplace
EXPOSE 3101
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${MARKETPLACE_PORT}/api/health/ready" || exit 1
ENTRYPOINT ["marketplace"]
CMD ["serve"]
