-- lead_scoring 0.1, built by the Makefile from sql/parts/*.sql in name order (edit those, not the built file).
-- Every name is schema-qualified; the extension is not relocatable.
\echo Use "CREATE EXTENSION lead_scoring" to load this file. \quit

