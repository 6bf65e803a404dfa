-- The benchmark model. Run in a fresh database after CREATE EXTENSION lead_scoring.
-- This is the model that was measured by hand; keep it as it is so that numbers stay
-- comparable. setseed() makes the 50,000 staged events the same on every run.
\set ON_ERROR_STOP on
INSERT INTO lead_scoring.models (name, max_score) VALUES ('b', 500);
INSERT INTO lead_scoring.point_groups (model_id, name, max_points) SELECT model_id, 'email', 30 FROM lead_scoring.models;
INSERT INTO lead_scoring.point_groups (model_id, name) SELECT model_id, 'product' FROM lead_scoring.models;
INSERT INTO lead_scoring.event_rules (model_id, group_id, name, event_type, properties_match, condition, points, max_awards, cooldown)
SELECT g.model_id, g.group_id, r.n, r.t, r.m::jsonb, r.c::jsonpath, r.p, r.ma, r.cd::interval FROM (VALUES
 ('v','default','page_visit',NULL,NULL,2,NULL,NULL),('vp','default','page_visit','{"url":"/pricing"}',NULL,8,NULL,NULL),
 ('vd','product','page_visit',NULL,'$.url starts with "/docs"',3,NULL,NULL),('o','email','email_open',NULL,NULL,1,NULL,NULL),
 ('c','email','email_click',NULL,NULL,3,NULL,'1 hour'),('f','default','form_submit',NULL,NULL,10,NULL,NULL),
 ('fd','default','form_submit','{"download":true}',NULL,15,3,NULL),('w','product','webinar_attended',NULL,NULL,20,NULL,NULL),
 ('d','product','demo_request',NULL,NULL,30,1,NULL),('u','default','unsubscribe',NULL,NULL,-20,NULL,NULL),
 ('a','product','asset_download',NULL,'$.asset like_regex "^wp"',6,NULL,NULL),('p','default','purchase',NULL,NULL,50,NULL,NULL))
 AS r(n,gn,t,m,c,p,ma,cd) JOIN lead_scoring.point_groups g ON g.name = r.gn;
INSERT INTO lead_scoring.attribute_rules (model_id, name, condition, points, required)
SELECT model_id, x.n, x.c::jsonpath, x.p, x.r FROM lead_scoring.models, (VALUES ('emp','$.employees >= 50',10,false),('eu','$.country == "PL"',5,false),('email','exists($.email)',1,true),('title','$.title like_regex "(?i)director"',8,false)) x(n,c,p,r);
INSERT INTO lead_scoring.thresholds (model_id, name, min_score) SELECT model_id, 'MQL', 50 FROM lead_scoring.models;
INSERT INTO lead_scoring.thresholds (model_id, name, min_score) SELECT model_id, 'SQL', 100 FROM lead_scoring.models;
INSERT INTO lead_scoring.thresholds (model_id, name, min_score, event_type, properties_match) SELECT model_id, 'hot pricing', 40, 'page_visit', '{"url":"/pricing"}' FROM lead_scoring.models;
INSERT INTO lead_scoring.contacts (contact_id, attributes) SELECT i, jsonb_build_object('employees', i % 300, 'country', CASE WHEN i%3=0 THEN 'PL' ELSE 'DE' END, 'email', 'x'||i||'@e.com') FROM generate_series(1,20000) i;
SELECT setseed(0.4242);
CREATE TABLE stage AS SELECT (random()*19999)::int+1 AS contact_id, (ARRAY['page_visit','email_open','email_click','form_submit','webinar_attended','asset_download','page_visit','email_open'])[1+(random()*7)::int] AS event_type,
  now() - (random()*interval '30 days') AS occurred_at, jsonb_build_object('url', (ARRAY['/','/pricing','/docs/a','/blog'])[1+(random()*3)::int], 'download', random()<0.3, 'asset', 'wp'||(random()*10)::int) AS properties FROM generate_series(1,50000);
CREATE TABLE plain (LIKE lead_scoring.events INCLUDING ALL);  -- (a) identical table, no scoring
VACUUM ANALYZE;
