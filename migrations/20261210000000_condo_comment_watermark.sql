-- The comments watermark: the `updatedAt` of the newest Condo comment the import read among
-- those changed since its last run. An edit or a deletion of a comment does not change its
-- ticket in Condo, so the import reads the comments changed since this time (less the overlap)
-- and reads their tickets' comments again.
ALTER TABLE sync_state ADD COLUMN comment_watermark text;
