// Placeholder entry so the build has a target; the real CLI is assembled in src/cli/.
console.log('hansard-watch');
