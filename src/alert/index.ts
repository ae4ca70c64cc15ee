/**
 * Public API of alerts. Entry points need only:
 *
 *   const { settings } = alertSettingsWithDefaults(config);  // generated secret, own URL, outbox
 *   const alerts = createAlerts({ db, settings, log });
 *   alerts.register(pipeline);                                // after tagging's hook
 *   alerts.start();                                           // send, retry, digests
 *   app.register(alertsPlugin, { alerts });                   // src/web/alerts/plugin.ts
 *   webPlugin option: { subscriptions: alerts.service }       // the site's subscribe form
 */
export { Alerts, ALERTS_HOOK, createAlerts, handleSpeechesIngested, type AlertsOptions } from './alerts.js';
export { alertSettingsWithDefaults, OUTBOX_FROM } from './defaults.js';
export {
  alertEnv,
  resolveAlertSettings,
  AlertSettingsError,
  type AlertEnv,
  type AlertSettings,
} from './settings.js';
export {
  AlertSubscriptionService,
  type SubscribeInput,
  type SubscribeOutcome,
  type RequestMeta,
} from './subscription-service.js';
export { AlertInputError, AlertRateLimitError, AlertUnavailableError } from './errors.js';
export type { AlertItem, Channel, Frequency, Subscription } from './types.js';
export type { MatchOutcome } from './alert-matcher.js';
