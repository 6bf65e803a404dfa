-- lead_scoring, the install script of the newest version (the Makefile's EXTVERSION), built from sql/parts/*.sql in name order (edit those, not the built file).
-- Every name is schema-qualified; the extension is not relocatable.
\echo Use "CREATE EXTENSION lead_scoring" to load this file. \quit

