/** `mpp-2fa --help`; keep in step with API.md "CLI" and the README. */
export const HELP = `mpp-2fa — two-factor authentication for the Mini Program Platform console

Usage: mpp-2fa <command> [options] [--json]

Server
  serve [--port N] [--host H] [--no-demo]   Migrate, seed a demo tenant on an empty database, serve the API and console
  migrate                                    Apply database migrations
  secrets rotate                             Re-encrypt every TOTP secret, webhook secret and queued outbox body
                                             under SECRET_KEY (old keys in SECRET_KEY_PREVIOUS)
  maintenance run                            Delete expired challenges, email codes, sessions, pending activations,
                                             throttles, outbox rows delivered over 30 days ago, and audit events
                                             older than AUDIT_RETENTION_DAYS; prints
                                             the count per table (serve also runs this every 10 minutes)
  audit export [--super-app ID] [--since ISO] [--format jsonl|csv]
                                             Stream audit events, oldest first, to stdout (any size, constant
                                             memory); one super app's as its admins see them

Tenants
  super-app create --name NAME
  super-app policy --super-app ID [--required true|false] [--primary totp|email|webauthn]
                   [--secondary totp|email|webauthn|none] [--allow-deactivation true|false]
                   [--phishing-resistant-only true|false] [--remember-device-days 0-30]
                                             --remember-device-days: days a login may skip the second
                                             factor on a browser that ticked "Don't ask again" (0: never;
                                             new super apps 30; --required true without it sets 0)
  super-app add-admin --super-app ID --email EMAIL
  workspace create --super-app ID --name NAME
  member add --workspace ID --email EMAIL --role admin|developer

Accounts
  account create --email EMAIL --name NAME --password-stdin
  account show --email EMAIL                 Workspaces, and each super app's sign-in rule for the account
  account reset-2fa --email EMAIL

Options
  --json      Print exactly one JSON object on stdout
  --help      Show this help

Configuration comes from the environment: PORT, HOST, DATA_DIR, DATABASE_URL,
DATABASE_POOL_MAX, SECRET_KEY, SECRET_KEY_PREVIOUS, PUBLIC_URL, SMTP_URL, MAIL_FROM,
MAIL_SEND_TIMEOUT_SECONDS (each SMTP step, default 20), LOG_LEVEL, SESSION_IDLE_MINUTES, SESSION_ABSOLUTE_HOURS, TRUST_PROXY, AUDIT_RETENTION_DAYS,
METRICS_TOKEN, METRICS_PORT, WEBHOOK_ALLOW_PRIVATE (true: webhooks may be delivered to private,
loopback and link-local addresses; false by default).
Exit status: 0 success, 1 refused operation, 2 bad usage.
`;
