-- Token buckets for the subscribe endpoint's rate limits (per client IP, per e-mail
-- address), kept in the database so that every process serving the endpoint draws on the
-- same bucket: in memory, each of N web processes allowed the full rate, N times over.
-- A row untouched for a day has refilled completely and is deleted by housekeeping.
CREATE TABLE alert_rate_buckets (
  key        text PRIMARY KEY,
  tokens     double precision NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_rate_buckets_updated ON alert_rate_buckets (updated_at);
