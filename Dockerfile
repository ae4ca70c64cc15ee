FROM node:20-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY . .
RUN npm ci && npm prune --omit=dev
ENV NODE_ENV=production
CMD ["node", "bin/hansard-watch.js", "start"]
