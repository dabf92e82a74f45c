-- Portal search: full-text over title, description and city, and btree
-- indexes for the filters and sorts of /api/properties.

ALTER TABLE listing ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('simple', coalesce(city, '')), 'B') ||
    setweight(to_tsvector('simple', coalesce(description, '')), 'C')
) STORED;

CREATE INDEX listing_search_idx ON listing USING gin (search) WHERE published;
CREATE INDEX listing_city_idx ON listing (lower(city)) WHERE published;
CREATE INDEX listing_price_idx ON listing (price_minor, id) WHERE published;
CREATE INDEX listing_bedrooms_idx ON listing (bedrooms) WHERE published;
CREATE INDEX listing_type_idx ON listing (property_type) WHERE published;
