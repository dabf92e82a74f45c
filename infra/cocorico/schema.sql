-- Cocorico listing schema for MariaDB/MySQL: the tables the Marketplace import reads.
--
-- Written as Doctrine's MySQL platform renders the Cocorico 0.15.1 annotations
-- (Cocolabs-SAS/cocorico @ 78814112, 2021-02-09): same table, column, index and
-- foreign-key names, types and nullability. Where the contract's verbatim fixture
-- DDL names an index or constraint, that name is kept.
--
-- Provenance, by table (files in shared/contracts/cocorico/):
--   listing                          listing-doctrine-mapping.yaml (Listing, master indexes)
--                                    + listing-schema-v0.1.0.sqlite.sql (FK/UNIQ names)
--                                    minus platform_notation (dropped at master, SOURCE.md)
--   listing_translation              listing-schema-v0.1.0.sqlite.sql + mapping (ListingTranslation)
--   listing_location                 listing-schema-v0.1.0.sqlite.sql + mapping (ListingLocation)
--   listing_image                    listing-schema-v0.1.0.sqlite.sql + mapping (ListingImage)
--   listing_category(_translation)   listing-schema-v0.1.0.sqlite.sql + mapping (ListingCategory)
--   listing_listing_category         mapping (ListingListingCategory): own `id` key at master,
--                                    where v0.1.0 had a composite key (SOURCE.md)
--   listing_characteristic(_translation), listing_characteristic_group(_translation),
--   listing_characteristic_type, listing_characteristic_value(_translation),
--   listing_listing_characteristic   listing-schema-v0.1.0.sqlite.sql + mapping
--                                    (ListingListingCharacteristic): a listing's attributes,
--                                    each a translated value of the characteristic's type
--   geo_coordinate                   listing-schema-v0.1.0.sqlite.sql + mapping (Coordinate)
--   geo_country/area/department/city and their *_translation tables
--                                    listing-schema-v0.1.0.sqlite.sql + mapping (Country, Area,
--                                    Department, City)
--   user                             mapping (User: public_fields, private_fields_do_not_import)
--                                    and NOTES.md §2.6; full column list of the master entity
--                                    (UserBundle/Entity/User.php on top of FOSUserBundle 2.0)
--
-- Deliberate differences from a stock install:
--   * utf8mb4 instead of the documented utf8/utf8_general_ci, so four-byte text
--     (emoji) round-trips.
--   * No column defaults: Cocorico sets status = 1 and cancellation_policy = 1 in
--     PHP, not in the DDL (the fixture DDL has none either).
--
-- listing.location_id and listing_location.listing_id point at each other (the
-- fixture database fills both), so the foreign keys are added after the tables,
-- the way Doctrine's schema tool emits them. Importers join on
-- listing_location.id = listing.location_id.

CREATE TABLE `user` (
    id INT NOT NULL,
    username VARCHAR(180) NOT NULL,
    username_canonical VARCHAR(180) NOT NULL,
    email VARCHAR(180) NOT NULL,
    email_canonical VARCHAR(180) NOT NULL,
    enabled TINYINT(1) NOT NULL,
    salt VARCHAR(255) DEFAULT NULL,
    password VARCHAR(255) NOT NULL,
    last_login DATETIME DEFAULT NULL,
    confirmation_token VARCHAR(180) DEFAULT NULL,
    password_requested_at DATETIME DEFAULT NULL,
    roles LONGTEXT NOT NULL COMMENT '(DC2Type:array)',
    person_type SMALLINT NOT NULL,
    company_name VARCHAR(100) DEFAULT NULL,
    last_name VARCHAR(100) NOT NULL,
    first_name VARCHAR(100) NOT NULL,
    phone_prefix VARCHAR(6) DEFAULT NULL,
    phone VARCHAR(16) DEFAULT NULL,
    birthday DATE NOT NULL,
    nationality VARCHAR(3) DEFAULT NULL,
    country_of_residence VARCHAR(3) DEFAULT NULL,
    profession VARCHAR(50) DEFAULT NULL,
    iban VARCHAR(45) DEFAULT NULL,
    bic VARCHAR(25) DEFAULT NULL,
    bank_owner_name VARCHAR(100) DEFAULT NULL,
    bank_owner_address VARCHAR(255) DEFAULT NULL,
    annual_income NUMERIC(10, 2) DEFAULT NULL,
    phone_verified TINYINT(1) DEFAULT NULL,
    email_verified TINYINT(1) DEFAULT NULL,
    id_card_verified TINYINT(1) DEFAULT NULL,
    nb_bookings_offerer SMALLINT DEFAULT NULL,
    nb_bookings_asker SMALLINT DEFAULT NULL,
    fee_as_asker SMALLINT DEFAULT NULL,
    fee_as_offerer SMALLINT DEFAULT NULL,
    average_rating_as_asker SMALLINT DEFAULT NULL,
    average_rating_as_offerer SMALLINT DEFAULT NULL,
    mother_tongue VARCHAR(5) DEFAULT NULL,
    answer_delay INT DEFAULT NULL,
    time_zone VARCHAR(100) NOT NULL,
    slug VARCHAR(255) DEFAULT NULL,
    createdAt DATETIME DEFAULT NULL,
    updatedAt DATETIME DEFAULT NULL,
    UNIQUE INDEX UNIQ_8D93D64992FC23A8 (username_canonical),
    UNIQUE INDEX UNIQ_8D93D649A0D96FBF (email_canonical),
    UNIQUE INDEX UNIQ_8D93D649C05FB297 (confirmation_token),
    INDEX created_at_u_idx (createdAt),
    INDEX slug_u_idx (slug),
    INDEX enabled_idx (enabled),
    INDEX email_idx (email),
    PRIMARY KEY (id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ENGINE = InnoDB;

CREATE TABLE geo_country (
    id INT AUTO_INCREMENT NOT NULL,
    code VARCHAR(3) NOT NULL,
    INDEX code_idx (code),
    PRIMARY KEY (id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ENGINE = InnoDB;

CREATE TABLE geo_country_translation (
    id INT AUTO_INCREMENT NOT NULL,
    translatable_id INT DEFAULT NULL,
    name VARCHAR(200) NOT NULL,
    slug VARCHAR(255) DEFAULT NULL,
    locale VARCHAR(255) NOT NULL,
    INDEX IDX_F705D5582C2AC5D3 (translatable_id),
    UNIQUE INDEX geo_country_translation_unique_translation (translatable_id, locale),
    PRIMARY KEY (id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ENGINE = InnoDB;

CREATE TABLE geo_area (
    id INT AUTO_INCREMENT NOT NULL,
    country_id INT NOT NULL,
    INDEX IDX_D3B31268F92F3E70 (country_id),
    PRIMARY KEY (id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ENGINE = InnoDB;

CREATE TABLE geo_area_translation (
    id INT AUTO_INCREMENT NOT NULL,
    translatable_id INT DEFAULT NULL,
    name VARCHAR(100) NOT NULL,
    slug VARCHAR(255) DEFAULT NULL,
    locale VARCHAR(255) NOT NULL,
    INDEX IDX_7A5BDDAB2C2AC5D3 (translatable_id),
    INDEX name_gat_idx (name),
    UNIQUE INDEX geo_area_translation_unique_translation (translatable_id, locale),
    PRIMARY KEY (id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ENGINE = InnoDB;

CREATE TABLE geo_department (
    id INT AUTO_INCREMENT NOT NULL,
    country_id INT NOT NULL,
    area_id INT NOT NULL,
    INDEX IDX_B4606604F92F3E70 (country_id),
    INDEX IDX_B4606604BD0F409C (area_id),
    PRIMARY KEY (id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ENGINE = InnoDB;

CREATE TABLE geo_department_translation (
    id INT AUTO_INCREMENT NOT NULL,
    translatable_id INT DEFAULT NULL,
    name VARCHAR(100) NOT NULL,
    slug VARCHAR(255) DEFAULT NULL,
    locale VARCHAR(255) NOT NULL,
    INDEX IDX_95DC05742C2AC5D3 (translatable_id),
    INDEX name_gdt_idx (name),
    UNIQUE INDEX geo_department_translation_unique_translation (translatable_id, locale),
    PRIMARY KEY (id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ENGINE = InnoDB;

CREATE TABLE geo_city (
    id INT AUTO_INCREMENT NOT NULL,
    country_id INT NOT NULL,
    area_id INT NOT NULL,
    department_id INT NOT NULL,
    INDEX IDX_297C2D34F92F3E70 (country_id),
    INDEX IDX_297C2D34BD0F409C (area_id),
    INDEX IDX_297C2D34AE80F5DF (department_id),
    PRIMARY KEY (id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ENGINE = InnoDB;

CREATE TABLE geo_city_translation (
    id INT AUTO_INCREMENT NOT NULL,
    translatable_id INT DEFAULT NULL,
    name VARCHAR(100) NOT NULL,
    slug VARCHAR(255) DEFAULT NULL,
    locale VARCHAR(255) NOT NULL,
    INDEX IDX_72D469D42C2AC5D3 (translatable_id),
    INDEX name_gct_idx (name),
    UNIQUE INDEX geo_city_translation_unique_translation (translatable_id, locale),
    PRIMARY KEY (id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ENGINE = InnoDB;

CREATE TABLE geo_coordinate (
    id INT AUTO_INCREMENT NOT NULL,
    country_id INT NOT NULL,
    area_id INT DEFAULT NULL,
    department_id INT DEFAULT NULL,
    city_id INT DEFAULT NULL,
    lat NUMERIC(11, 7) NOT NULL,
    lng NUMERIC(11, 7) NOT NULL,
    zip VARCHAR(30) DEFAULT NULL,
    route VARCHAR(200) DEFAULT NULL,
    street_number VARCHAR(20) DEFAULT NULL,
    address VARCHAR(255) NOT NULL,
    createdAt DATETIME DEFAULT NULL,
    updatedAt DATETIME DEFAULT NULL,
    INDEX IDX_B2E13D99F92F3E70 (country_id),
    INDEX IDX_B2E13D99BD0F409C (area_id),
    INDEX IDX_B2E13D99AE80F5DF (department_id),
    INDEX IDX_B2E13D998BAC62AF (city_id),
    INDEX coordinate_idx (lat, lng),
    PRIMARY KEY (id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ENGINE = InnoDB;

CREATE TABLE listing_location (
    id INT AUTO_INCREMENT NOT NULL,
    listing_id INT DEFAULT NULL,
    coordinate_id INT NOT NULL,
    country VARCHAR(3) NOT NULL,
    city VARCHAR(75) NOT NULL,
    zip VARCHAR(20) DEFAULT NULL,
    route VARCHAR(120) DEFAULT NULL,
    street_number VARCHAR(20) DEFAULT NULL,
    UNIQUE INDEX UNIQ_B8E2EBB1D4619D1A (listing_id),
    INDEX IDX_B8E2EBB198BBE953 (coordinate_id),
    PRIMARY KEY (id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ENGINE = InnoDB;

CREATE TABLE listing (
    id INT NOT NULL,
    user_id INT NOT NULL,
    location_id INT DEFAULT NULL,
    status SMALLINT NOT NULL,
    type SMALLINT DEFAULT NULL,
    price NUMERIC(8, 0) NOT NULL,
    certified TINYINT(1) DEFAULT NULL,
    min_duration SMALLINT DEFAULT NULL,
    max_duration SMALLINT DEFAULT NULL,
    cancellation_policy SMALLINT NOT NULL,
    average_rating SMALLINT DEFAULT NULL,
    comment_count INT DEFAULT NULL,
    admin_notation NUMERIC(3, 1) DEFAULT NULL,
    availabilities_updated_at DATETIME DEFAULT NULL,
    createdAt DATETIME DEFAULT NULL,
    updatedAt DATETIME DEFAULT NULL,
    INDEX IDX_CB0048D4A76ED395 (user_id),
    UNIQUE INDEX UNIQ_CB0048D464D218E (location_id),
    INDEX created_at_l_idx (createdAt),
    INDEX status_l_idx (status),
    INDEX price_idx (price),
    INDEX type_idx (type),
    INDEX min_duration_idx (min_duration),
    INDEX max_duration_idx (max_duration),
    INDEX average_rating_idx (average_rating),
    INDEX admin_notation_idx (admin_notation),
    PRIMARY KEY (id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ENGINE = InnoDB;

CREATE TABLE listing_translation (
    id INT AUTO_INCREMENT NOT NULL,
    translatable_id INT DEFAULT NULL,
    title VARCHAR(50) NOT NULL,
    description TEXT NOT NULL,
    rules TEXT DEFAULT NULL,
    slug VARCHAR(255) DEFAULT NULL,
    locale VARCHAR(255) NOT NULL,
    INDEX IDX_E3779C3D2C2AC5D3 (translatable_id),
    INDEX slug_idx (slug),
    UNIQUE INDEX listing_translation_unique_translation (translatable_id, locale),
    PRIMARY KEY (id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ENGINE = InnoDB;

CREATE TABLE listing_image (
    id INT AUTO_INCREMENT NOT NULL,
    listing_id INT NOT NULL,
    name VARCHAR(255) NOT NULL,
    position SMALLINT NOT NULL,
    INDEX IDX_33D3DCD3D4619D1A (listing_id),
    INDEX position_li_idx (position),
    PRIMARY KEY (id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ENGINE = InnoDB;

CREATE TABLE listing_category (
    id INT AUTO_INCREMENT NOT NULL,
    parent_id INT DEFAULT NULL,
    lft INT NOT NULL,
    lvl INT NOT NULL,
    rgt INT NOT NULL,
    root INT DEFAULT NULL,
    INDEX IDX_E0307BBB727ACA70 (parent_id),
    PRIMARY KEY (id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ENGINE = InnoDB;

CREATE TABLE listing_category_translation (
    id INT AUTO_INCREMENT NOT NULL,
    translatable_id INT DEFAULT NULL,
    name VARCHAR(100) NOT NULL,
    slug VARCHAR(255) DEFAULT NULL,
    locale VARCHAR(255) NOT NULL,
    INDEX IDX_606EDC1F2C2AC5D3 (translatable_id),
    INDEX name_idx (name),
    UNIQUE INDEX listing_category_translation_unique_translation (translatable_id, locale),
    PRIMARY KEY (id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ENGINE = InnoDB;

CREATE TABLE listing_listing_category (
    id INT AUTO_INCREMENT NOT NULL,
    listing_id INT NOT NULL,
    listing_category_id INT NOT NULL,
    INDEX IDX_1AFD54EAD4619D1A (listing_id),
    INDEX IDX_1AFD54EA455844B0 (listing_category_id),
    PRIMARY KEY (id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ENGINE = InnoDB;

CREATE TABLE listing_characteristic_type (
    id INT AUTO_INCREMENT NOT NULL,
    name VARCHAR(255) NOT NULL,
    PRIMARY KEY (id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ENGINE = InnoDB;

CREATE TABLE listing_characteristic_group (
    id INT AUTO_INCREMENT NOT NULL,
    position SMALLINT NOT NULL,
    UNIQUE INDEX UNIQ_62B4C3E4462CE4F5 (position),
    INDEX position_lcg_idx (position),
    PRIMARY KEY (id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ENGINE = InnoDB;

CREATE TABLE listing_characteristic_group_translation (
    id INT AUTO_INCREMENT NOT NULL,
    translatable_id INT DEFAULT NULL,
    name VARCHAR(255) NOT NULL,
    locale VARCHAR(255) NOT NULL,
    INDEX IDX_6C8407162C2AC5D3 (translatable_id),
    UNIQUE INDEX listing_characteristic_group_translation_unique_translation (translatable_id, locale),
    PRIMARY KEY (id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ENGINE = InnoDB;

CREATE TABLE listing_characteristic (
    id INT AUTO_INCREMENT NOT NULL,
    listing_characteristic_type_id INT NOT NULL,
    listing_characteristic_group_id INT NOT NULL,
    position SMALLINT NOT NULL,
    INDEX IDX_97E210EC3A0F8087 (listing_characteristic_type_id),
    INDEX IDX_97E210ECE4714E36 (listing_characteristic_group_id),
    INDEX position_idx (position),
    PRIMARY KEY (id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ENGINE = InnoDB;

CREATE TABLE listing_characteristic_translation (
    id INT AUTO_INCREMENT NOT NULL,
    translatable_id INT DEFAULT NULL,
    name VARCHAR(255) NOT NULL,
    description LONGTEXT DEFAULT NULL,
    locale VARCHAR(255) NOT NULL,
    INDEX IDX_945E8F882C2AC5D3 (translatable_id),
    UNIQUE INDEX listing_characteristic_translation_unique_translation (translatable_id, locale),
    PRIMARY KEY (id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ENGINE = InnoDB;

CREATE TABLE listing_characteristic_value (
    id INT AUTO_INCREMENT NOT NULL,
    listing_characteristic_type_id INT NOT NULL,
    position SMALLINT NOT NULL,
    INDEX IDX_1203DF153A0F8087 (listing_characteristic_type_id),
    INDEX position_lcv_idx (position),
    PRIMARY KEY (id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ENGINE = InnoDB;

CREATE TABLE listing_characteristic_value_translation (
    id INT AUTO_INCREMENT NOT NULL,
    translatable_id INT DEFAULT NULL,
    name VARCHAR(255) NOT NULL,
    locale VARCHAR(255) NOT NULL,
    INDEX IDX_8BC9A0F42C2AC5D3 (translatable_id),
    UNIQUE INDEX listing_characteristic_value_translation_unique_translation (translatable_id, locale),
    PRIMARY KEY (id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ENGINE = InnoDB;

CREATE TABLE listing_listing_characteristic (
    id INT AUTO_INCREMENT NOT NULL,
    listing_id INT NOT NULL,
    listing_characteristic_id INT NOT NULL,
    listing_characteristic_value_id INT DEFAULT NULL,
    INDEX IDX_2FD5B3B6D4619D1A (listing_id),
    INDEX IDX_2FD5B3B6C27F7D66 (listing_characteristic_id),
    INDEX IDX_2FD5B3B6E3052CD3 (listing_characteristic_value_id),
    PRIMARY KEY (id)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci ENGINE = InnoDB;

ALTER TABLE geo_country_translation ADD CONSTRAINT FK_F705D5582C2AC5D3 FOREIGN KEY (translatable_id) REFERENCES geo_country (id) ON DELETE CASCADE;
ALTER TABLE geo_area ADD CONSTRAINT FK_D3B31268F92F3E70 FOREIGN KEY (country_id) REFERENCES geo_country (id) ON DELETE CASCADE;
ALTER TABLE geo_area_translation ADD CONSTRAINT FK_7A5BDDAB2C2AC5D3 FOREIGN KEY (translatable_id) REFERENCES geo_area (id) ON DELETE CASCADE;
ALTER TABLE geo_department ADD CONSTRAINT FK_B4606604F92F3E70 FOREIGN KEY (country_id) REFERENCES geo_country (id) ON DELETE CASCADE;
ALTER TABLE geo_department ADD CONSTRAINT FK_B4606604BD0F409C FOREIGN KEY (area_id) REFERENCES geo_area (id) ON DELETE CASCADE;
ALTER TABLE geo_department_translation ADD CONSTRAINT FK_95DC05742C2AC5D3 FOREIGN KEY (translatable_id) REFERENCES geo_department (id) ON DELETE CASCADE;
ALTER TABLE geo_city ADD CONSTRAINT FK_297C2D34F92F3E70 FOREIGN KEY (country_id) REFERENCES geo_country (id) ON DELETE CASCADE;
ALTER TABLE geo_city ADD CONSTRAINT FK_297C2D34BD0F409C FOREIGN KEY (area_id) REFERENCES geo_area (id) ON DELETE CASCADE;
ALTER TABLE geo_city ADD CONSTRAINT FK_297C2D34AE80F5DF FOREIGN KEY (department_id) REFERENCES geo_department (id) ON DELETE CASCADE;
ALTER TABLE geo_city_translation ADD CONSTRAINT FK_72D469D42C2AC5D3 FOREIGN KEY (translatable_id) REFERENCES geo_city (id) ON DELETE CASCADE;
ALTER TABLE geo_coordinate ADD CONSTRAINT FK_B2E13D99F92F3E70 FOREIGN KEY (country_id) REFERENCES geo_country (id);
ALTER TABLE geo_coordinate ADD CONSTRAINT FK_B2E13D99BD0F409C FOREIGN KEY (area_id) REFERENCES geo_area (id);
ALTER TABLE geo_coordinate ADD CONSTRAINT FK_B2E13D99AE80F5DF FOREIGN KEY (department_id) REFERENCES geo_department (id);
ALTER TABLE geo_coordinate ADD CONSTRAINT FK_B2E13D998BAC62AF FOREIGN KEY (city_id) REFERENCES geo_city (id);
ALTER TABLE listing_location ADD CONSTRAINT FK_B8E2EBB1D4619D1A FOREIGN KEY (listing_id) REFERENCES listing (id) ON DELETE CASCADE;
ALTER TABLE listing_location ADD CONSTRAINT FK_B8E2EBB198BBE953 FOREIGN KEY (coordinate_id) REFERENCES geo_coordinate (id);
ALTER TABLE listing ADD CONSTRAINT FK_CB0048D4A76ED395 FOREIGN KEY (user_id) REFERENCES `user` (id) ON DELETE CASCADE;
ALTER TABLE listing ADD CONSTRAINT FK_CB0048D464D218E FOREIGN KEY (location_id) REFERENCES listing_location (id) ON DELETE CASCADE;
ALTER TABLE listing_translation ADD CONSTRAINT FK_E3779C3D2C2AC5D3 FOREIGN KEY (translatable_id) REFERENCES listing (id) ON DELETE CASCADE;
ALTER TABLE listing_image ADD CONSTRAINT FK_33D3DCD3D4619D1A FOREIGN KEY (listing_id) REFERENCES listing (id) ON DELETE CASCADE;
ALTER TABLE listing_category ADD CONSTRAINT FK_E0307BBB727ACA70 FOREIGN KEY (parent_id) REFERENCES listing_category (id) ON DELETE CASCADE;
ALTER TABLE listing_category_translation ADD CONSTRAINT FK_606EDC1F2C2AC5D3 FOREIGN KEY (translatable_id) REFERENCES listing_category (id) ON DELETE CASCADE;
ALTER TABLE listing_listing_category ADD CONSTRAINT FK_1AFD54EAD4619D1A FOREIGN KEY (listing_id) REFERENCES listing (id) ON DELETE CASCADE;
ALTER TABLE listing_listing_category ADD CONSTRAINT FK_1AFD54EA455844B0 FOREIGN KEY (listing_category_id) REFERENCES listing_category (id) ON DELETE CASCADE;
ALTER TABLE listing_characteristic_group_translation ADD CONSTRAINT FK_6C8407162C2AC5D3 FOREIGN KEY (translatable_id) REFERENCES listing_characteristic_group (id) ON DELETE CASCADE;
ALTER TABLE listing_characteristic ADD CONSTRAINT FK_97E210EC3A0F8087 FOREIGN KEY (listing_characteristic_type_id) REFERENCES listing_characteristic_type (id) ON DELETE CASCADE;
ALTER TABLE listing_characteristic ADD CONSTRAINT FK_97E210ECE4714E36 FOREIGN KEY (listing_characteristic_group_id) REFERENCES listing_characteristic_group (id) ON DELETE CASCADE;
ALTER TABLE listing_characteristic_translation ADD CONSTRAINT FK_945E8F882C2AC5D3 FOREIGN KEY (translatable_id) REFERENCES listing_characteristic (id) ON DELETE CASCADE;
ALTER TABLE listing_characteristic_value ADD CONSTRAINT FK_1203DF153A0F8087 FOREIGN KEY (listing_characteristic_type_id) REFERENCES listing_characteristic_type (id) ON DELETE CASCADE;
ALTER TABLE listing_characteristic_value_translation ADD CONSTRAINT FK_8BC9A0F42C2AC5D3 FOREIGN KEY (translatable_id) REFERENCES listing_characteristic_value (id) ON DELETE CASCADE;
ALTER TABLE listing_listing_characteristic ADD CONSTRAINT FK_2FD5B3B6D4619D1A FOREIGN KEY (listing_id) REFERENCES listing (id) ON DELETE CASCADE;
ALTER TABLE listing_listing_characteristic ADD CONSTRAINT FK_2FD5B3B6C27F7D66 FOREIGN KEY (listing_characteristic_id) REFERENCES listing_characteristic (id) ON DELETE CASCADE;
ALTER TABLE listing_listing_characteristic ADD CONSTRAINT FK_2FD5B3B6E3052CD3 FOREIGN KEY (listing_characteristic_value_id) REFERENCES listing_characteristic_value (id) ON DELETE CASCADE;
