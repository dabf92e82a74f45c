-- The portal search counts its matches on every page. With every column a
-- filter can test in the term and city indexes, that count is read from the
-- index alone (an index-only scan) instead of visiting each matching row:
-- "under €1,400 a month, 1 bedroom or more" over 100,000 listings went from
-- 71 ms to 8 ms, a city's count from 3.1 ms to 0.6 ms. `city` is included
-- because an index on `lower(city)` alone cannot answer without the table.
DROP INDEX listing_term_price_idx;
CREATE INDEX listing_term_price_idx ON listing (price_unit, currency, price_minor, id)
    INCLUDE (bedrooms, property_type, source, available_from) WHERE published;
DROP INDEX listing_city_term_price_idx;
CREATE INDEX listing_city_term_price_idx ON listing (lower(city), price_unit, currency, price_minor)
    INCLUDE (city, bedrooms, property_type, source, available_from) WHERE published;
