# The hotline service: build TypeScript and the development prompts, then a
# small runtime image that runs as an unprivileged user.

# Node 26 is the Active LTS line; the code also runs on Node 20 (package.json engines).
# Pinned to an exact release so a rebuild gets the same runtime; move it on with
# each Node security release (append @sha256:<digest> to pin the very image).
ARG NODE_IMAGE=node:26.10.0-trixie-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends espeak-ng sox \
    && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY config ./config
RUN npm run build
# Development audio for every prompt id (production mounts studio recordings over it).
RUN npm run prompts -- --out /app/sounds
RUN npm prune --omit=dev

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/sounds ./sounds
COPY package.json ./
COPY config ./config
# What-if runs start a private redis-server of their own for the simulated ACD (docs/whatif.md).
RUN apt-get update && apt-get install -y --no-install-recommends redis-server \
    && rm -rf /var/lib/apt/lists/*
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/src/main.js"]
