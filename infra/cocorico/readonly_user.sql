-- Read-only account for the Marketplace's Cocorico import (MariaDB 10.2+).
--
-- The account may only SELECT, and only in the Cocorico database. It is created
-- afresh (CREATE OR REPLACE), so running this again rotates the password and
-- drops any other grant the account had.
--
-- The caller sets three session variables first, so no name or password is
-- written in this file:
--
--   SET @ro_user = 'cocorico_ro', @ro_database = 'cocorico', @ro_password = '…';
--   SOURCE infra/cocorico/readonly_user.sql
--
-- Only the password's hash (PASSWORD()) appears in the generated statements,
-- never the password itself. `sandbox cocorico load` runs this same file.

EXECUTE IMMEDIATE CONCAT(
    'CREATE OR REPLACE USER ', QUOTE(@ro_user), '@''%'' IDENTIFIED BY PASSWORD ',
    QUOTE(PASSWORD(@ro_password))
);

EXECUTE IMMEDIATE CONCAT(
    'GRANT SELECT ON `', REPLACE(@ro_database, '`', '``'), '`.* TO ', QUOTE(@ro_user), '@''%'''
);

SET @ro_password = NULL;
