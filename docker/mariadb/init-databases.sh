#!/bin/bash
# Runs once, on the first start of an empty MariaDB volume (sourced by the image's entrypoint):
# one schema per service, the application user (MARIADB_USER, created by the entrypoint) owns both.
docker_process_sql <<EOSQL
CREATE DATABASE IF NOT EXISTS im_auth CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS im_message CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
GRANT ALL PRIVILEGES ON im_auth.* TO '${MARIADB_USER}'@'%';
GRANT ALL PRIVILEGES ON im_message.* TO '${MARIADB_USER}'@'%';
FLUSH PRIVILEGES;
EOSQL
