-- Searches show one term (price unit) at a time and compare prices only
-- within one term and one currency: the price indexes lead with the unit and
-- the currency, so a price range or a price sort stays one range scan, and
-- the default order has an index per term.
CREATE INDEX listing_term_price_idx ON listing (price_unit, currency, price_minor, id) WHERE published;
CREATE INDEX listing_city_term_price_idx ON listing (lower(city), price_unit, currency, price_minor) WHERE published;
CREATE INDEX listing_term_newest_idx ON listing (price_unit, published_at DESC NULLS LAST, id) WHERE published;
-- Replaced by the two above: a price is never read across units any more.
DROP INDEX IF EXISTS listing_price_idx;
DROP INDEX IF EXISTS listing_city_price_idx;
