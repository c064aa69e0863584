// CI helper: `node .ci/pg-database.mjs ping|create|drop ADMIN_URL [NAME]` on a PostgreSQL server.
// ping exits 1 when nothing answers within 3 s; create and drop manage a database of the run's own.
import process from 'node:process';
import pg from 'pg';

const [command, adminUrl, name] = process.argv.slice(2);
const NAME = /^[a-z_][a-z0-9_]*$/;
if (!['ping', 'create', 'drop'].includes(command) || !adminUrl || (command !== 'ping' && !NAME.test(name ?? ''))) {
  process.stderr.write('usage: node .ci/pg-database.mjs ping|create|drop ADMIN_URL [NAME]\n');
  process.exit(2);
}

const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
try {
  await client.connect();
  if (command === 'create') await client.query(`CREATE DATABASE ${name}`);
  if (command === 'drop') await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await client.end();
} catch (err) {
  if (command !== 'ping') process.stderr.write(`${command} ${name}: ${err.message}\n`);
  process.exit(1);
}
