import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { Db } from '../store/db.js';
import { loadTagInfo } from '../web/api/tag-info.js';
import { createAlerts, type Alerts } from './alerts.js';
import { AlertSettingsError, resolveAlertSettings } from './settings.js';

/**
 * Alerts for a long-running process (start, worker), or null when ALERT_SECRET is unset.
 * A half-configured setup stops the process with the settings' own message.
 */
export function alertsFromConfig(config: Config, db: Db, log: Logger): Alerts | null {
  try {
    const settings = resolveAlertSettings(config);
    if (!settings) {
      log.info('alerts off: set ALERT_SECRET (and PUBLIC_BASE_URL, SMTP_URL) to enable them');
      return null;
    }
    return createAlerts({ db, settings, log, knownTags: () => loadTagInfo().map((t) => t.id) });
  } catch (err) {
    if (err instanceof AlertSettingsError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}
