package postgres

// The hub's tables. Text keys use the "C" collation, so that every listing
// comes in byte order, as bbolt gives it; times are Unix nanoseconds
// (bigint, NULL for none), because the hub's times carry nanoseconds that
// timestamptz would round; sealed values are bytea, kept exactly.
//
// migrations[i] brings the schema from version i to i+1; the version is
// the number of rows in xunbang_migrations. A database at a version above
// len(migrations) was written by a newer xunbang: Open refuses it.
var migrations = []string{
	// 1: the sync and the console.
	`
CREATE TABLE meta (
	key   text COLLATE "C" PRIMARY KEY,
	value bytea NOT NULL
);
CREATE TABLE tokens (
	hash       text COLLATE "C" PRIMARY KEY,
	user_name  text NOT NULL,
	team       text NOT NULL DEFAULT '',
	admin      boolean NOT NULL DEFAULT false,
	created_ns bigint
);
CREATE TABLE heads (
	kind           text COLLATE "C" NOT NULL,
	id             text COLLATE "C" NOT NULL,
	team           text NOT NULL DEFAULT '',
	rev            text NOT NULL DEFAULT '',
	revisions      integer NOT NULL DEFAULT 0,
	updated_ns     bigint,
	enterprise_id  text NOT NULL DEFAULT '',
	state          text NOT NULL DEFAULT '',
	url            text NOT NULL DEFAULT '',
	comment        bytea,
	state_ns       bigint,
	was_public     boolean NOT NULL DEFAULT false,
	public_rev     text NOT NULL DEFAULT '',
	public_ent_rev text NOT NULL DEFAULT '',
	region         text NOT NULL DEFAULT '',
	legacy_comment text NOT NULL DEFAULT '',
	PRIMARY KEY (kind, id)
);
CREATE INDEX heads_team ON heads (team);
CREATE TABLE revisions (
	rev       text COLLATE "C" PRIMARY KEY,
	kind      text NOT NULL,
	id        text NOT NULL,
	team      text NOT NULL DEFAULT '',
	user_name text NOT NULL DEFAULT '',
	base_rev  text NOT NULL DEFAULT '',
	at_ns     bigint,
	body      bytea
);
CREATE TABLE refusals (
	rev      text COLLATE "C" PRIMARY KEY,
	kind     text NOT NULL,
	id       text NOT NULL,
	team     text NOT NULL DEFAULT '',
	base_rev text NOT NULL DEFAULT ''
);
CREATE TABLE events (
	seq            bigint PRIMARY KEY,
	type           text NOT NULL,
	kind           text NOT NULL DEFAULT '',
	id             text NOT NULL DEFAULT '',
	team           text NOT NULL DEFAULT '',
	rev            text NOT NULL DEFAULT '',
	state          text NOT NULL DEFAULT '',
	url            text NOT NULL DEFAULT '',
	comment        bytea,
	at_ns          bigint,
	public_after   boolean NOT NULL DEFAULT false,
	was_public     boolean NOT NULL DEFAULT false,
	legacy_comment text NOT NULL DEFAULT ''
);
CREATE TABLE anonymous (
	enterprise_id text COLLATE "C" PRIMARY KEY
);
CREATE TABLE region_counts (
	prefix text COLLATE "C" PRIMARY KEY,
	n      bigint NOT NULL CHECK (n > 0)
);
CREATE TABLE users (
	name          text COLLATE "C" PRIMARY KEY,
	display       text NOT NULL DEFAULT '',
	role          text NOT NULL,
	teams         text[],
	regions       text[],
	password_hash text NOT NULL,
	disabled      boolean NOT NULL DEFAULT false,
	failed_logins integer NOT NULL DEFAULT 0,
	locked_ns     bigint,
	created_ns    bigint,
	updated_ns    bigint
);
CREATE TABLE sessions (
	hash       text COLLATE "C" PRIMARY KEY,
	user_name  text NOT NULL,
	created_ns bigint,
	seen_ns    bigint,
	expires_ns bigint
);
CREATE INDEX sessions_user ON sessions (user_name);
CREATE INDEX sessions_expires ON sessions (expires_ns);
CREATE TABLE audit (
	seq       bigint PRIMARY KEY,
	at_ns     bigint,
	user_name text NOT NULL DEFAULT '',
	action    text NOT NULL,
	target    text NOT NULL DEFAULT '',
	detail    text NOT NULL DEFAULT '',
	addr      text NOT NULL DEFAULT ''
);
`,
	// 2: 揭榜 — which need a solution answers (SolutionTx, solutions.go).
	`
CREATE TABLE solution_links (
	id      text COLLATE "C" PRIMARY KEY,
	need_id text COLLATE "C" NOT NULL,
	team    text NOT NULL DEFAULT '',
	receipt text COLLATE "C" NOT NULL DEFAULT '',
	at_ns   bigint
);
CREATE INDEX solution_links_need ON solution_links (need_id, id);
CREATE UNIQUE INDEX solution_links_receipt ON solution_links (receipt) WHERE receipt <> '';
`,
	// 3: the registry entries each team was sent (NoteRegistrySent,
	// registry.go), so that only a team that had an enterprise is told it
	// left the registry.
	`
CREATE TABLE registry_sent (
	team          text COLLATE "C" NOT NULL,
	enterprise_id text COLLATE "C" NOT NULL,
	PRIMARY KEY (team, enterprise_id)
);
`,
	// 4: the region an anonymous need was published with (Head.PublicRegion;
	// NULL: not kept).
	`
ALTER TABLE heads ADD COLUMN public_region text;
`,
}

const migrationsTable = `CREATE TABLE IF NOT EXISTS xunbang_migrations (
	version    integer PRIMARY KEY,
	applied_at timestamptz NOT NULL DEFAULT now()
)`
