-- fengqiao store, migration 3: the outbox and the inbox (docs/deployment.md).
--
-- An engine per county (and one per prefecture, for what is escalated to it) exchange
-- documents through the database: a transfer's document is written to `outbox` in the same
-- transaction as the sender's journal entries, and a receiver's intake commits with its
-- `inbox` row, so across crashes of either side a document is taken in exactly once. A
-- statistical return (月报) travels the same way. Both append-only, as the journal is.

-- What a journal sent: `county` is the sender's journal, `seq` its message number (gap-free
-- per sender, the order a receiver takes them in; the sender's count is journals.sent,
-- moved under its row lock), `entry` the journal entry that made it (the transfer_out
-- event; none for a return), `to_county` the receiving journal and `to_body` the body there
-- (a court's or police platform's bridge; none for an engine). Partitioned by the sender
-- here; on Citus distributed by the receiver (Store::distribute), so a receiver's reads of
-- what waits for it go to one shard.
-- (Two commands, the constraint named, in a block: on Citus a distributed table's change is
-- sent to the workers as its own command, and a column added with its constraint refused.)
DO $$
BEGIN
    ALTER TABLE fengqiao.journals ADD COLUMN sent bigint NOT NULL DEFAULT 0;
    ALTER TABLE fengqiao.journals ADD CONSTRAINT journals_sent_check CHECK (sent >= 0);
END
$$;

CREATE TABLE fengqiao.outbox (
    county     text        NOT NULL,
    seq        bigint      NOT NULL CHECK (seq > 0),
    entry      bigint,
    kind       text        NOT NULL CHECK (kind IN ('transfer', 'return')),
    to_county  text        NOT NULL CHECK (to_county ~ '^[0-9]{6}$'),
    to_body    text,
    case_code  text,
    sm3        bytea       NOT NULL CHECK (length(sm3) = 32),
    body       text        NOT NULL,
    stored_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (to_county, county, seq)
) PARTITION BY LIST (county);

CREATE INDEX outbox_sent ON fengqiao.outbox (county, seq);

-- What a journal received, one row per document, committed with the receiver's entries:
-- `taken` (its journal at `entry` after the intake) or `parked` (refused: the error's code
-- and message; the refusal's audit entry is in the journal at `entry`). `body` is the body
-- whose bridge received it (none: the journal's engine); each reads on from its own rows.
CREATE TABLE fengqiao.inbox (
    county      text        NOT NULL,
    body        text,
    from_county text        NOT NULL,
    from_seq    bigint      NOT NULL,
    sm3         bytea       NOT NULL CHECK (length(sm3) = 32),
    outcome     text        NOT NULL CHECK (outcome IN ('taken', 'parked')),
    entry       bigint      NOT NULL,
    code        text,
    message     text,
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (county, from_county, from_seq),
    CHECK ((outcome = 'parked') = (code IS NOT NULL))
) PARTITION BY LIST (county);

CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON fengqiao.outbox
    FOR EACH ROW EXECUTE FUNCTION fengqiao.refuse_change();
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON fengqiao.inbox
    FOR EACH ROW EXECUTE FUNCTION fengqiao.refuse_change();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON fengqiao.outbox
    FOR EACH STATEMENT EXECUTE FUNCTION fengqiao.refuse_change();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON fengqiao.inbox
    FOR EACH STATEMENT EXECUTE FUNCTION fengqiao.refuse_change();

REVOKE ALL ON fengqiao.outbox, fengqiao.inbox FROM PUBLIC;

CREATE OR REPLACE FUNCTION fengqiao.add_county(c text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    t text;
BEGIN
    IF c !~ '^[0-9]{6}$' THEN
        RAISE EXCEPTION 'fengqiao: county code %: six digits expected', c USING ERRCODE = '22023';
    END IF;
    FOREACH t IN ARRAY ARRAY['journal', 'heads', 'rule_sets', 'zero_reports', 'denials', 'snapshots',
                             'signed_heads', 'audit', 'outbox', 'inbox'] LOOP
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

-- Counties created before this migration get their new partitions now.
SELECT fengqiao.add_county(county) FROM fengqiao.journals;
