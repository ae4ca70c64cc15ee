/**
 * Where TheyWorkForYou publishes the parlparse data. Apart from the HTTP client so that
 * the config can default to it without loading undici (~15 MB of RSS) in every process.
 */
export const DEFAULT_PWDATA_URL = 'https://www.theyworkforyou.com/pwdata/';
