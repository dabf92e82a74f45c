-- What a listing's source does not say is unknown, not zero: bedrooms and
-- bathrooms may be NULL (Cocorico listings without those characteristics),
-- the capacity (guests) is kept when known, and an imported listing links
-- back to its page on the platform it comes from.
ALTER TABLE listing
    ALTER COLUMN bedrooms DROP NOT NULL,
    ALTER COLUMN bathrooms DROP NOT NULL,
    ADD COLUMN capacity integer CHECK (capacity > 0),
    ADD COLUMN source_url text CHECK (source_url ~ '^https?://');

-- Imported listings said 0 for "not known"; the next import fills in what
-- Cocorico's characteristics say.
UPDATE listing SET bedrooms = NULL, bathrooms = NULL WHERE source <> 'local';
