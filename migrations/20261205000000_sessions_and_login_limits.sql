-- Sessions: one row per sign-in. Its refresh tokens rotate under it; it is
-- revoked as a whole (logout, a replayed refresh token, a disabled account, a
-- new password), and the access tokens it issued carry its id (`sid`), so a
-- revoked session's access tokens are refused too. It ends at the latest
-- MARKETPLACE_SESSION_MAX_AGE after `started_at`, however often it refreshes.
CREATE TABLE session_family (
    id          uuid PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    started_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
CREATE INDEX session_family_user_idx ON session_family (user_id);
-- The access-token deny-list reads the sessions revoked in the last minutes.
CREATE INDEX session_family_revoked_idx ON session_family (revoked_at) WHERE revoked_at IS NOT NULL;

INSERT INTO session_family (id, user_id, started_at, revoked_at)
SELECT family_id,
       (array_agg(user_id))[1],
       min(created_at),
       CASE WHEN bool_and(revoked_at IS NOT NULL) THEN max(revoked_at) END
FROM refresh_token
GROUP BY family_id;

ALTER TABLE refresh_token
    ADD CONSTRAINT refresh_token_family_fk FOREIGN KEY (family_id) REFERENCES session_family (id) ON DELETE CASCADE,
    -- The token this one replaced: a parallel refresh of the parent within
    -- the grace window is given this one again instead of revoking.
    ADD COLUMN parent_id uuid REFERENCES refresh_token (id) ON DELETE SET NULL;
CREATE INDEX refresh_token_parent_idx ON refresh_token (parent_id) WHERE parent_id IS NOT NULL;

-- Login limits, shared by every replica: the attempts of one key (an
-- account's e-mail digest, or a client address) within the window. An
-- attempt is reserved here before its password is hashed.
CREATE TABLE login_throttle (
    key       text PRIMARY KEY,
    attempts  timestamptz[] NOT NULL,
    last_at   timestamptz NOT NULL
);
CREATE INDEX login_throttle_last_at_idx ON login_throttle (last_at);
