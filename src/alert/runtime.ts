import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Db } from '../store/db.js';
import { loadTagInfo } from '../web/api/tag-info.js';
import { createAlerts, type Alerts } from './alerts.js';
import { alertSettingsWithDefaults } from './defaults.js';
import { AlertSettingsError } from './settings.js';

/**
 * Alerts for a long-running process (start, worker): always on, with the zero-configuration
 * defaults of src/alert/defaults.ts for what is unset. Logs in one line where e-mail goes.
 * A bad combination of settings stops the process with the settings' own message.
 */
export function alertsFromConfig(config: Config, db: Db, log: Logger): Alerts {
  try {
    const { settings, secret, mailTarget } = alertSettingsWithDefaults(config);
    log.info(
      {
        mail: mailTarget,
        links: settings.publicBaseUrl,
        secret: secret.created ? `generated in ${secret.source}` : secret.source,
      },
      `alert e-mail goes to ${mailTarget}`,
    );
    return createAlerts({ db, settings, log, knownTags: () => loadTagInfo().map((t) => t.id) });
  } catch (err) {
    if (err instanceof AlertSettingsError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}
