import { VERSION } from '../version.js';

export const USAGE = `usage: supportdesk-mcp [serve|migrate|seed|doctor] [options]   (in a clone: node dist/src/main.js …)
  serve (default)    MCP over stdio. Without DATABASE_URL: embedded PostgreSQL with demo data.
  migrate            apply pending migrations to DATABASE_URL (or the embedded database)
  seed --size S      replace all data with the demo|small|large set; asks for --yes when data exists
                     (--if-empty: seed only a database that holds no data, else leave it and exit 0)
  doctor             check configuration, database and migrations without changing anything
options: --database-url URL --role viewer|agent|supervisor --principal NAME --read-only --migrate
         --pool-size N --data-dir DIR --log-level LEVEL --yes --if-empty --version --help`;

export const versionLine = (): string => `supportdesk-mcp ${VERSION}`;
