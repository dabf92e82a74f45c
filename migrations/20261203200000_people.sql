-- People: a disabled user cannot sign in; invitations and password resets are
-- single-use, expiring links whose tokens are stored hashed.

ALTER TABLE app_user ADD COLUMN disabled_at timestamptz;

CREATE TABLE user_token (
    id          uuid PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES app_user (id),
    purpose     text NOT NULL CHECK (purpose IN ('invitation', 'password_reset')),
    token_hash  text NOT NULL UNIQUE,
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    created_by  uuid REFERENCES app_user (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX user_token_user_idx ON user_token (user_id, purpose);
