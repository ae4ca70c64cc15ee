import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Db } from '../store/db.js';
import { loadTagInfo } from '../tag/tag-info.js';
import { createAlerts, type Alerts } from './alerts.js';
import { alertSettingsWithDefaults } from './defaults.js';

/**
 * Alerts for a long-running process (start, worker): always on, with the zero-configuration
 * defaults of src/alert/defaults.ts for what is unset. Logs in one line where e-mail goes.
 * A bad combination of settings throws AlertSettingsError, whose message is for the
 * operator: entry points print it and exit 2.
 */
export function alertsFromConfig(config: Config, db: Db, log: Logger): Alerts {
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
}
