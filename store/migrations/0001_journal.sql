-- fengqiao-store schema, version 1: the journal of one engine per county, partitioned by
-- county (LIST on the 6-digit county code), append-only. Applied by `Store::migrate`, in
-- one transaction, recorded in fengqiao.migrations. Never edit a migration that shipped:
-- add the next one.

CREATE SCHEMA IF NOT EXISTS fengqiao;

-- One row per county journal: the world document it started from (the engine's origin)
-- and its head (sequence number and digest of the last stored entry), which every append
-- moves in the same transaction as the entries, with an expected-version check.
CREATE TABLE fengqiao.journals (
    county     text        PRIMARY KEY CHECK (county ~ '^[0-9]{6}$'),
    origin     bytea       NOT NULL CHECK (length(origin) = 32),
    world      text        NOT NULL,
    seq        bigint      NOT NULL DEFAULT 0 CHECK (seq >= 0),
    digest     bytea       NOT NULL CHECK (length(digest) = 32),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Every accepted change, gap-free per county. `body` is the change's JSON exactly as the
-- engine wrote it (text, not jsonb: jsonb reorders keys and refuses \u0000, and the
-- digests are over the engine's own serialisation); cast it (`body::jsonb`) to query it.
CREATE TABLE fengqiao.journal (
    county    text        NOT NULL,
    seq       bigint      NOT NULL CHECK (seq > 0),
    v         integer     NOT NULL,
    kind      text        NOT NULL,
    case_code text,
    case_seq  bigint,
    digest    bytea       NOT NULL CHECK (length(digest) = 32),
    body      text        NOT NULL,
    stored_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (county, seq),
    -- A case event's key: a case's seq can be written once.
    UNIQUE (county, case_code, case_seq),
    CHECK ((case_code IS NULL) = (case_seq IS NULL))
) PARTITION BY LIST (county);

-- One head per case: its last event's seq and hash, moved with an expected-version check.
CREATE TABLE fengqiao.heads (
    county    text        NOT NULL,
    case_code text        NOT NULL,
    seq       bigint      NOT NULL CHECK (seq > 0),
    head      bytea       NOT NULL CHECK (length(head) = 32),
    PRIMARY KEY (county, case_code)
) PARTITION BY LIST (county);

-- Rule-set versions as loaded (projection of `rules_loaded` entries, for SQL reports).
CREATE TABLE fengqiao.rule_sets (
    county    text        NOT NULL,
    seq       bigint      NOT NULL,
    label     text        NOT NULL,
    body      text        NOT NULL,
    body_sm3  bytea       NOT NULL CHECK (length(body_sm3) = 32),
    loaded_by text        NOT NULL,
    loaded_at timestamptz,
    PRIMARY KEY (county, seq)
) PARTITION BY LIST (county);

-- Zero reports (projection of `report_filed` entries).
CREATE TABLE fengqiao.zero_reports (
    county    text        NOT NULL,
    seq       bigint      NOT NULL,
    staff     text        NOT NULL,
    day       date        NOT NULL,
    disputes  integer     NOT NULL,
    PRIMARY KEY (county, seq)
) PARTITION BY LIST (county);

-- Refused requests, the access log (projection of `denied` entries).
CREATE TABLE fengqiao.denials (
    county    text        NOT NULL,
    seq       bigint      NOT NULL,
    at        timestamptz NOT NULL,
    actor     text        NOT NULL,
    action    text        NOT NULL,
    target    text        NOT NULL,
    PRIMARY KEY (county, seq)
) PARTITION BY LIST (county);

-- Snapshots, in parts of at most a few MiB (a county's snapshot is hundreds of MiB).
CREATE TABLE fengqiao.snapshots (
    county    text        NOT NULL,
    seq       bigint      NOT NULL,
    part      integer     NOT NULL,
    digest    bytea       NOT NULL CHECK (length(digest) = 32),
    bytes     bytea       NOT NULL,
    taken_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (county, seq, part)
) PARTITION BY LIST (county);

-- Append-only: a trigger refuses UPDATE and DELETE on every row (cloned to each
-- partition), and TRUNCATE on each table, whoever asks; `Store::grant_writer` grants the
-- application role SELECT and INSERT only.
CREATE FUNCTION fengqiao.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'fengqiao: % on %.% is refused: the journal is append-only',
        TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'FQ001';
END
$$;

CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON fengqiao.journal
    FOR EACH ROW EXECUTE FUNCTION fengqiao.refuse_change();
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON fengqiao.rule_sets
    FOR EACH ROW EXECUTE FUNCTION fengqiao.refuse_change();
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON fengqiao.zero_reports
    FOR EACH ROW EXECUTE FUNCTION fengqiao.refuse_change();
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON fengqiao.denials
    FOR EACH ROW EXECUTE FUNCTION fengqiao.refuse_change();
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON fengqiao.snapshots
    FOR EACH ROW EXECUTE FUNCTION fengqiao.refuse_change();

REVOKE ALL ON ALL TABLES IN SCHEMA fengqiao FROM PUBLIC;

-- A county's partitions (and their TRUNCATE guards): called once per county, by a role
-- that may create tables in the schema, before its first append.
CREATE FUNCTION fengqiao.add_county(c text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t text;
BEGIN
    IF c !~ '^[0-9]{6}$' THEN
        RAISE EXCEPTION 'fengqiao: county code %: six digits expected', c USING ERRCODE = '22023';
    END IF;
    FOREACH t IN ARRAY ARRAY['journal', 'heads', 'rule_sets', 'zero_reports', 'denials', 'snapshots'] LOOP
        EXECUTE format('CREATE TABLE IF NOT EXISTS fengqiao.%I PARTITION OF fengqiao.%I FOR VALUES IN (%L)',
                       t || '_' || c, t, c);
        IF t <> 'heads' AND NOT EXISTS (
            SELECT 1 FROM pg_trigger WHERE tgname = 'append_only_truncate'
               AND tgrelid = format('fengqiao.%I', t || '_' || c)::regclass) THEN
            EXECUTE format('CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON fengqiao.%I '
                           'FOR EACH STATEMENT EXECUTE FUNCTION fengqiao.refuse_change()', t || '_' || c);
        END IF;
    END LOOP;
END
$$;

CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON fengqiao.journal
    FOR EACH STATEMENT EXECUTE FUNCTION fengqiao.refuse_change();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON fengqiao.rule_sets
    FOR EACH STATEMENT EXECUTE FUNCTION fengqiao.refuse_change();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON fengqiao.zero_reports
    FOR EACH STATEMENT EXECUTE FUNCTION fengqiao.refuse_change();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON fengqiao.denials
    FOR EACH STATEMENT EXECUTE FUNCTION fengqiao.refuse_change();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON fengqiao.snapshots
    FOR EACH STATEMENT EXECUTE FUNCTION fengqiao.refuse_change();
