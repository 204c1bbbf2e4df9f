# Build stage: Bun compiles the service, its demo database and Swagger UI into one file.
FROM oven/bun:1.4.5 AS build
WORKDIR /src
COPY package.json package-lock.json ./
# bun reads package-lock.json, so the image resolves the same versions as `npm ci`.
RUN bun install --ignore-scripts
COPY tsconfig.json bunfig.toml ./
COPY db ./db
COPY src ./src
COPY scripts ./scripts
RUN bun scripts/demo-db.ts && bun scripts/build.ts dist/actions-runs

# Run stage: glibc and nothing else; the executable needs no node_modules and no data files.
FROM gcr.io/distroless/base-debian12:nonroot
COPY --from=build /src/dist/actions-runs /usr/local/bin/actions-runs
ENV NODE_ENV=production ACTIONS_RUNS_HOST=0.0.0.0 ACTIONS_RUNS_PORT=8080
EXPOSE 8080
USER nonroot
# Probe /healthz from the orchestrator: distroless has no shell or curl for a HEALTHCHECK.
ENTRYPOINT ["/usr/local/bin/actions-runs"]
CMD ["serve"]
