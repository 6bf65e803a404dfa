---------------------------------------------------------------------------
-- pg_dump keeps the user data of these tables
---------------------------------------------------------------------------

SELECT pg_catalog.pg_extension_config_dump('lead_scoring.models', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.point_groups', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.event_rules', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.attribute_rules', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.thresholds', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.bands', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.combination_rules', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.combination_facts', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.combination_tiers', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.combination_sets', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.absence_rules', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.absence_deadlines', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.predictive_features', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.predictive_fits', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.predictive_terms', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.band_counts', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.contacts', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.events', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.contact_scores', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.contact_score_keys', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.window_awards', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.contact_attribute_history', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.contact_attribute_history_change_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.ledger', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.alerts', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.models_model_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.point_groups_group_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.event_rules_rule_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.attribute_rules_rule_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.thresholds_threshold_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.combination_rules_rule_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.combination_tiers_tier_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.absence_rules_rule_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.predictive_features_feature_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.predictive_fits_fit_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.events_event_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.ledger_entry_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('lead_scoring.alerts_alert_id_seq', '');
