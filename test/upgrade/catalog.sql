-- One line per fact about the objects of extension lead_scoring in this database:
-- its members, and for each member relation its columns (in order), constraints,
-- indexes, triggers, options, replica identity, privileges and comment; every member function's full
-- definition, privileges and comment; sequences' parameters; the tables pg_dump
-- keeps. test/t/003_upgrade.pl compares an updated database with a fresh install
-- line by line. Names only (no oids), so two databases compare.
WITH ext AS (
    SELECT oid, extconfig, extcondition FROM pg_catalog.pg_extension WHERE extname = 'lead_scoring'
), member AS (
    SELECT d.classid, d.objid FROM pg_catalog.pg_depend d, ext
     WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.refobjid = ext.oid AND d.deptype = 'e'
), rel AS (
    SELECT c.oid, c.relname, c.relkind, c.reloptions, c.relacl, c.relreplident FROM pg_catalog.pg_class c
      JOIN member m ON m.classid = 'pg_catalog.pg_class'::regclass AND m.objid = c.oid
    UNION  -- composite types: their pg_class row belongs to the member type
    SELECT c.oid, c.relname, c.relkind, c.reloptions, c.relacl, c.relreplident FROM pg_catalog.pg_class c
      JOIN pg_catalog.pg_type t ON t.typrelid = c.oid
      JOIN member m ON m.classid = 'pg_catalog.pg_type'::regclass AND m.objid = t.oid
), fn AS (
    SELECT p.oid, p.oid::regprocedure::text AS sig, p.proacl FROM pg_catalog.pg_proc p
      JOIN member m ON m.classid = 'pg_catalog.pg_proc'::regclass AND m.objid = p.oid
), facts(line) AS (
    SELECT 'member ' || pg_catalog.pg_describe_object(classid, objid, 0) FROM member
    UNION ALL
    SELECT 'dumped table ' || c::regclass::text || ' where ' || coalesce(cond, '')
      FROM ext, unnest(ext.extconfig, ext.extcondition) AS u(c, cond)
    UNION ALL
    SELECT pg_catalog.format('relation %s kind %s options %s replica identity %s', r.relname, r.relkind, r.reloptions,
                             r.relreplident) FROM rel r
    UNION ALL
    -- Columns by their position among the live ones: ALTER TABLE ... ADD COLUMN must
    -- give the order a fresh CREATE TABLE gives (code reads rows by position).
    SELECT pg_catalog.format('column %s.%s #%s %s notnull=%s default=%s identity=%s generated=%s acl=%s',
               r.relname, a.attname,
               row_number() OVER (PARTITION BY r.oid ORDER BY a.attnum),
               pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
               pg_catalog.pg_get_expr(ad.adbin, ad.adrelid), a.attidentity, a.attgenerated,
               (SELECT pg_catalog.array_agg(x::text ORDER BY x::text) FROM unnest(a.attacl) x))
      FROM rel r JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
      LEFT JOIN pg_catalog.pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
    UNION ALL
    SELECT pg_catalog.format('constraint %s.%s %s', r.relname, co.conname, pg_catalog.pg_get_constraintdef(co.oid))
      FROM rel r JOIN pg_catalog.pg_constraint co ON co.conrelid = r.oid
    UNION ALL
    SELECT 'index ' || pg_catalog.pg_get_indexdef(i.indexrelid)
      FROM rel r JOIN pg_catalog.pg_index i ON i.indrelid = r.oid
    UNION ALL
    SELECT pg_catalog.format('trigger %s enabled=%s', pg_catalog.pg_get_triggerdef(t.oid), t.tgenabled)
      FROM rel r JOIN pg_catalog.pg_trigger t ON t.tgrelid = r.oid AND NOT t.tgisinternal
    UNION ALL
    SELECT pg_catalog.format('view %s %s', r.relname, pg_catalog.pg_get_viewdef(r.oid)) FROM rel r WHERE r.relkind = 'v'
    UNION ALL
    SELECT pg_catalog.format('sequence %s type=%s start=%s inc=%s min=%s max=%s cache=%s cycle=%s owned_by=%s',
               r.relname, pg_catalog.format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax,
               s.seqcache, s.seqcycle,
               (SELECT pg_catalog.pg_describe_object(d.refclassid, d.refobjid, d.refobjsubid) || ' ' || d.deptype::text
                  FROM pg_catalog.pg_depend d
                 WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = r.oid AND d.deptype IN ('a', 'i')))
      FROM rel r JOIN pg_catalog.pg_sequence s ON s.seqrelid = r.oid
    UNION ALL
    SELECT pg_catalog.format('acl %s %s', r.relname, (SELECT pg_catalog.array_agg(x::text ORDER BY x::text) FROM unnest(r.relacl) x))
      FROM rel r
    UNION ALL
    SELECT pg_catalog.format('comment %s %s', r.relname, pg_catalog.obj_description(r.oid, 'pg_class')) FROM rel r
    UNION ALL
    SELECT pg_catalog.format('function %s %s', f.sig, pg_catalog.pg_get_functiondef(f.oid))
      FROM fn f JOIN pg_catalog.pg_proc p ON p.oid = f.oid WHERE p.prokind <> 'a'
    UNION ALL
    SELECT pg_catalog.format('acl %s %s', f.sig, (SELECT pg_catalog.array_agg(x::text ORDER BY x::text) FROM unnest(f.proacl) x))
      FROM fn f
    UNION ALL
    SELECT pg_catalog.format('comment %s %s', f.sig, pg_catalog.obj_description(f.oid, 'pg_proc')) FROM fn f
    UNION ALL
    SELECT pg_catalog.format('schema acl %s', (SELECT pg_catalog.array_agg(x::text ORDER BY x::text) FROM unnest(n.nspacl) x))
      FROM pg_catalog.pg_namespace n WHERE n.nspname = 'lead_scoring'
)
SELECT line FROM facts ORDER BY line COLLATE "C";
