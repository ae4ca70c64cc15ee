import { ConfigError, loadConfig, type Config } from '../config.js';

/** Loads the configuration, or prints what is wrong with it and exits 2. */
export function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}
